// The admin answers' one card: a title, when the data was read, a table (a list on narrow screens) and a "Show more" button that
// carries only a cursor id (the rows stay on the server). Dialogs build the rows from the admin model.
import type { Attachment } from 'botbuilder';
import { cardDateTime } from './format';
import { renderCard } from './render';

/** Rows per card page: keeps every page well under Teams' 28 KB whatever the cell text. */
export const ADMIN_PAGE_SIZE = 10;
const MAX_CELL_CHARS = 240;
/** Cell characters per page: each cell is in the card twice (table and narrow list), and a page stays under 28 KB. */
const CELL_BUDGET = 8_000;

export interface AdminTableView {
  readonly title: string;
  readonly readAt: Date;
  readonly headers: readonly string[];
  /** Relative column widths (defaults to 1 each). */
  readonly widths?: readonly number[];
  readonly rows: readonly (readonly string[])[];
  readonly emptyText: string;
  readonly notes?: readonly string[];
  /** Rows after this page, and the cursor that shows them. */
  readonly remaining?: number;
  readonly cursor?: string;
  /** 1-based index of the first row of this page (for "rows 11-20 of 34"). */
  readonly firstRow?: number;
  readonly total?: number;
}

export function adminTableCard(view: AdminTableView): Attachment {
  const cellCount = view.rows.reduce((n, r) => n + r.length, 0);
  const limit = Math.min(MAX_CELL_CHARS, Math.floor(CELL_BUDGET / Math.max(1, cellCount)));
  const clip = (text: string) => clipTo(text, limit);
  const total = view.total ?? view.rows.length;
  const first = view.firstRow ?? 1;
  const range = total > view.rows.length ? ` · rows ${first}-${first + view.rows.length - 1} of ${total}` : '';
  return renderCard('adminTable', {
    title: view.title,
    subtitle: `Read from PIM ${cardDateTime(view.readAt)}${range}`,
    columns: view.headers.map((_, i) => ({ width: view.widths?.[i] ?? 1 })),
    headers: [...view.headers],
    // Wide screens get the table; narrow ones (a phone) a list of "header: value" per row, so no word is
    // broken across lines by a column too narrow for it.
    rows: view.rows.map((cells) => ({
      cells: cells.map(clip),
      facts: cells.map((c, i) => ({ title: view.headers[i] ?? '', value: clip(c) })),
    })),
    emptyText: view.emptyText,
    moreText: view.remaining && view.remaining > 0 ? `${view.remaining} more not shown.` : '',
    notes: [...(view.notes ?? [])],
    cursor: view.remaining && view.remaining > 0 && view.cursor ? view.cursor : '',
  });
}

function clipTo(text: string, limit: number): string {
  const oneLine = text.trim() === '' ? '—' : text;
  return oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine;
}
