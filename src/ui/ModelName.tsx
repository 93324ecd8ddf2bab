/** A model's name as a table's row header, in its condition's colour: the same everywhere. */
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';
import { useNames } from './useNames';

export function ModelRowHeader({ condition }: { condition: Condition }) {
  const names = useNames();
  return (
    <th scope="row" style={{ color: CONDITION_TABLE[condition].color }}>
      {names(condition).short}
    </th>
  );
}
