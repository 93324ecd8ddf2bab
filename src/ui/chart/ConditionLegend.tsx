import { CONDITION_TABLE, type Condition } from '../../protocol/conditions';
import { useNames } from '../useNames';
import { color } from './conditions';

/** The models a chart shows, named in full, with the line's colour and dash. */
export function ConditionLegend({ conditions }: { conditions: Condition[] }) {
  const names = useNames();
  return (
    <ul className="legend">
      {conditions.map((c) => (
        <li key={c}>
          <span
            className={CONDITION_TABLE[c].dash ? 'swatch dashed' : 'swatch'}
            style={{ background: CONDITION_TABLE[c].dash ? undefined : color(c), borderColor: color(c) }}
          />
          {names(c).short}
        </li>
      ))}
    </ul>
  );
}
