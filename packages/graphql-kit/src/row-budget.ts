import { BadUserInputError } from './errors.js';

/**
 * The rows one request may still read (MAX_ROWS_PER_REQUEST). Each statement takes the most
 * rows it can return before it runs, so a request whose answer would not fit in the process's
 * heap is refused up front with BAD_USER_INPUT instead of taking the process down.
 */
export class RowBudget {
  readonly #max: number;
  #left: number;

  constructor(maxRows: number) {
    this.#max = maxRows;
    this.#left = maxRows;
  }

  /** Takes `rows` from the budget, or refuses the request naming the limit and what asked for them. */
  take(rows: number, what: string): void {
    if (rows > this.#left) {
      throw new BadUserInputError(
        `this request would read more than ${this.#max.toLocaleString('en')} rows (MAX_ROWS_PER_REQUEST): ${what} asks for up to ` +
          `${rows.toLocaleString('en')} more with ${Math.max(this.#left, 0).toLocaleString('en')} left; ask for smaller pages or fewer subjects`,
        { extensions: { limit: 'MAX_ROWS_PER_REQUEST' } },
      );
    }
    this.#left -= rows;
  }
}
