// Search box over the server's symbol directory (op `symbols`), adding picks to the watchlist.

const MAX_RESULTS = 12;

export class SymbolSearch {
  #timer = null;
  #results = [];
  #active = -1;
  #seq = 0;

  /**
   * @param {HTMLInputElement} input
   * @param {HTMLUListElement} list
   * @param {(match: string) => Promise<Array<{symbol: string, description: string}>>} lookup
   * @param {(symbol: string) => void} onPick
   */
  constructor(input, list, lookup, onPick) {
    this.input = input;
    this.list = list;
    this.lookup = lookup;
    this.onPick = onPick;
    input.addEventListener('input', () => this.#schedule());
    input.addEventListener('focus', () => this.#schedule());
    input.addEventListener('keydown', (e) => this.#onKey(e));
    input.addEventListener('blur', () => setTimeout(() => this.#hide(), 150));
    list.addEventListener('mousedown', (e) => {
      const li = e.target.closest('li[data-symbol]');
      if (li) { e.preventDefault(); this.#pick(li.dataset.symbol); }
    });
  }

  #schedule() {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#search(), 120);
  }

  async #search() {
    const text = this.input.value.trim().toUpperCase();
    if (!text) { this.#hide(); return; }
    const seq = ++this.#seq;
    let found;
    try {
      found = await this.lookup(text);
    } catch {
      found = [];
    }
    if (seq !== this.#seq) return; // a newer search is under way
    this.#results = found.slice(0, MAX_RESULTS);
    this.#active = this.#results.length ? 0 : -1;
    this.#render(text);
  }

  #render(text) {
    this.list.replaceChildren(...this.#results.map((s, i) => {
      const li = document.createElement('li');
      li.dataset.symbol = s.symbol;
      li.className = i === this.#active ? 'active' : '';
      const b = document.createElement('b');
      b.textContent = s.symbol;
      const span = document.createElement('span');
      span.textContent = s.description ?? '';
      li.append(b, span);
      return li;
    }));
    if (!this.#results.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = `No symbol starts with “${text}”`;
      this.list.append(li);
    }
    this.list.hidden = false;
  }

  #onKey(e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.#results.length) return;
      this.#active = (this.#active + (e.key === 'ArrowDown' ? 1 : -1) + this.#results.length) % this.#results.length;
      [...this.list.children].forEach((li, i) => li.classList.toggle('active', i === this.#active));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const typed = this.input.value.trim().toUpperCase();
      const exact = this.#results.find((r) => r.symbol === typed);
      const pick = exact ?? this.#results[this.#active];
      // Enter adds what was typed even before the directory answered (an unknown name is marked by the server's 404).
      if (pick) this.#pick(pick.symbol);
      else if (typed) this.#pick(typed);
    } else if (e.key === 'Escape') {
      this.#hide();
    }
  }

  #pick(symbol) {
    this.onPick(symbol);
    this.input.value = '';
    this.#hide();
  }

  #hide() {
    this.list.hidden = true;
    this.list.replaceChildren();
    this.#results = [];
  }
}
