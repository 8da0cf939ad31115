/* The attendance grid: one click or one key per cell, saved without reloading the page.
 *
 * The page renders the grid read-only (disabled buttons). This script makes the cells
 * editable unless the cohort is closed. Saves go to the server one after another, so
 * they arrive in the order they were made; a failed save restores the cell to what the
 * server last confirmed and shows the server's message.
 */
(() => {
  "use strict";

  const grid = document.querySelector("table[data-attendance-grid]");
  const configElement = document.getElementById("attendance-grid-config");
  if (!grid || !configElement || grid.dataset.locked === "true") {
    return;
  }

  const config = JSON.parse(configElement.textContent);
  const errorRegion = document.getElementById("attendance-grid-error");
  const statusRegion = document.getElementById("attendance-grid-status");
  const dialog = document.getElementById("attendance-excused-dialog");
  const dialogForm = document.getElementById("attendance-excused-form");
  const reasonField = document.getElementById("attendance-excused-reason");
  const dialogWho = document.getElementById("attendance-excused-who");
  const help = document.getElementById("attendance-grid-help");

  // A click moves a cell one step along this cycle.
  const CYCLE = ["", "present", "absent", "excused"];
  // Letters in English and Swedish: P/N present, A/F absent, E/G excused.
  const KEY_STATUS = {
    p: "present",
    n: "present",
    a: "absent",
    f: "absent",
    e: "excused",
    g: "excused",
    Delete: "",
    Backspace: "",
  };

  const rows = Array.from(grid.tBodies[0].rows);
  const cellsByRow = rows.map((row) => Array.from(row.querySelectorAll("button.attendance-cell")));
  const positions = new Map();
  const pendingPerCell = new Map();
  let pendingTotal = 0;
  let queue = Promise.resolve();
  let current = null;
  let dialogCell = null;

  cellsByRow.forEach((cells, rowIndex) => {
    cells.forEach((cell, columnIndex) => {
      positions.set(cell, [rowIndex, columnIndex]);
      cell.dataset.savedStatus = cell.dataset.status;
      cell.dataset.savedReason = cell.dataset.reason;
      cell.disabled = false;
      cell.tabIndex = -1;
    });
  });
  if (!positions.size) {
    return;
  }
  grid.setAttribute("role", "grid");
  // The cells take the focus now; the scroll area no longer needs its own tab stop.
  const scroller = document.getElementById("attendance-grid-scroller");
  if (scroller) {
    scroller.removeAttribute("tabindex");
  }
  if (help) {
    help.hidden = false;
  }
  makeCurrent(cellsByRow[0][0]);

  function makeCurrent(cell) {
    if (current) {
      current.tabIndex = -1;
    }
    current = cell;
    current.tabIndex = 0;
  }

  function moveTo(rowIndex, columnIndex) {
    const row = cellsByRow[rowIndex];
    const cell = row && row[columnIndex];
    if (cell) {
      makeCurrent(cell);
      cell.focus();
    }
  }

  function show(cell, status, reason) {
    const state = config.states[status];
    for (const other of Object.values(config.states)) {
      cell.classList.remove(other.css);
    }
    cell.classList.add(state.css);
    cell.dataset.status = status;
    cell.dataset.reason = reason;
    cell.querySelector(".attendance-abbreviation").textContent = state.abbreviation;
    cell.querySelector(".attendance-label").textContent = reason
      ? `${state.label}: ${reason}`
      : state.label;
    if (reason) {
      cell.title = reason;
    } else {
      cell.removeAttribute("title");
    }
  }

  function showError(message) {
    errorRegion.textContent = "";
    errorRegion.classList.toggle("alert", Boolean(message));
    errorRegion.classList.toggle("alert-danger", Boolean(message));
    if (message) {
      const text = document.createElement("p");
      text.className = "mb-0";
      text.textContent = message;
      errorRegion.append(text);
    }
  }

  function showStanding(row, data) {
    const cell = row.querySelector("td[data-standing]");
    const before = cell.dataset.standing;
    const badge = cell.querySelector(".standing-badge");
    for (const css of Object.values(config.standingCss)) {
      badge.classList.remove(css);
    }
    badge.classList.add(config.standingCss[data.standing]);
    badge.textContent = data.standing_label;
    cell.querySelector(".standing-summary").textContent = data.summary;
    cell.dataset.standing = data.standing;
    if (before !== data.standing) {
      statusRegion.textContent = `${row.dataset.name}: ${data.standing_label}`;
    }
  }

  function countPending(cell, change) {
    const count = (pendingPerCell.get(cell) || 0) + change;
    pendingPerCell.set(cell, count);
    pendingTotal += change;
    grid.dataset.saving = String(pendingTotal);
    return count;
  }

  async function post(cell, status, reason) {
    const row = cell.closest("tr");
    const body = new URLSearchParams({
      session: cell.dataset.session,
      enrolment: row.dataset.enrolment,
      status,
      reason,
    });
    let response;
    try {
      response = await fetch(config.url, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": config.csrfToken, Accept: "application/json" },
        credentials: "same-origin",
        redirect: "error",
      });
    } catch {
      throw new Error(config.messages.network);
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    if (!response.ok || !data || data.error) {
      throw new Error((data && data.error) || config.messages.failed);
    }
    return data;
  }

  function save(cell, status, reason) {
    show(cell, status, reason);
    countPending(cell, 1);
    queue = queue
      .then(() => post(cell, status, reason))
      .then(
        (data) => {
          cell.dataset.savedStatus = data.status;
          cell.dataset.savedReason = data.reason;
          if (countPending(cell, -1) === 0) {
            show(cell, data.status, data.reason);
          }
          showStanding(cell.closest("tr"), data);
          showError("");
        },
        (error) => {
          if (countPending(cell, -1) === 0) {
            show(cell, cell.dataset.savedStatus, cell.dataset.savedReason);
          }
          showError(error.message);
        },
      );
  }

  function choose(cell, status) {
    if (status === "excused") {
      askReason(cell);
    } else if (status !== cell.dataset.status) {
      save(cell, status, "");
    }
  }

  function askReason(cell) {
    dialogCell = cell;
    dialog.returnValue = "";
    reasonField.value = cell.dataset.status === "excused" ? cell.dataset.reason : "";
    reasonField.setCustomValidity("");
    dialogWho.textContent = cell.querySelector(".attendance-context").textContent;
    dialog.showModal();
    reasonField.focus();
  }

  reasonField.addEventListener("input", () => reasonField.setCustomValidity(""));

  dialogForm.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.value === "save" && !reasonField.value.trim()) {
      event.preventDefault();
      reasonField.setCustomValidity(config.messages.reasonRequired);
      reasonField.reportValidity();
    }
  });

  dialog.addEventListener("close", () => {
    const cell = dialogCell;
    dialogCell = null;
    if (!cell) {
      return;
    }
    if (dialog.returnValue === "save") {
      save(cell, "excused", reasonField.value.trim());
    }
    cell.focus();
  });

  grid.addEventListener("focusin", (event) => {
    const cell = event.target.closest("button.attendance-cell");
    if (cell && cell !== current) {
      makeCurrent(cell);
    }
  });

  grid.addEventListener("click", (event) => {
    const cell = event.target.closest("button.attendance-cell");
    if (!cell) {
      return;
    }
    const next = CYCLE[(CYCLE.indexOf(cell.dataset.status) + 1) % CYCLE.length];
    choose(cell, next);
  });

  grid.addEventListener("keydown", (event) => {
    const cell = event.target.closest("button.attendance-cell");
    if (!cell || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const [row, column] = positions.get(cell);
    const moves = {
      ArrowLeft: [row, column - 1],
      ArrowRight: [row, column + 1],
      ArrowUp: [row - 1, column],
      ArrowDown: [row + 1, column],
      Home: [row, 0],
      End: [row, cellsByRow[row].length - 1],
    };
    if (event.key in moves) {
      event.preventDefault();
      moveTo(...moves[event.key]);
      return;
    }
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (Object.hasOwn(KEY_STATUS, key)) {
      event.preventDefault();
      choose(cell, KEY_STATUS[key]);
    }
  });
})();
