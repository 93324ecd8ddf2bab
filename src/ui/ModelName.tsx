/** A model's name as a table's row header, in its condition's colour: the same everywhere. */
import { CONDITION_TABLE, type Condition } from '../protocol/conditions';

export function ModelRowHeader({ condition }: { condition: Condition }) {
  return (
    <th scope="row" style={{ color: CONDITION_TABLE[condition].color }}>
      {CONDITION_TABLE[condition].short}
    </th>
  );
}
