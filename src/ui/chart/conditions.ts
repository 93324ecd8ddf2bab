/** The models a chart draws, and the colour each is drawn in. */
import { CONDITION_TABLE, type Condition } from '../../protocol/conditions';
import type { Series } from '../../store/derive';

export const color = (c: Condition) => CONDITION_TABLE[c].color;
export const conditionsIn = (series: Series[]) => [...new Set(series.map((s) => s.condition))];
