/* The availability week grid: paint half-hours by dragging (mouse, pen or
 * touch, through pointer events), move with the arrow keys and mark with Space,
 * or start from a preset. The checkboxes stay the form's real inputs (and the
 * whole widget without this script); this only makes them quicker to set.
 * Preset cells come from the server in a json_script block.
 */
(function () {
  "use strict";

  function Grid(root) {
    this.root = root;
    this.early = root.querySelector("[data-availability-early]");
    this.status = root.querySelector("[data-availability-status]");
    this.painting = null;       // {on: bool} while a pointer is down
    this.swallowClick = false;  // the click that ends a pointer press must not toggle again
    root.classList.add("painting");
    var how = root.querySelector("[data-availability-how]");
    if (how) { how.hidden = false; }
    this.enhanceKeyboard();
    this.enhancePointer();
    this.enhancePresets();
    this.followZone();
  }

  // Rows of checkboxes in reading order; folded early hours are skipped.
  Grid.prototype.rows = function () {
    var early = this.early;
    var rows = [];
    this.root.querySelectorAll("[data-availability-grid] tbody tr").forEach(function (tr) {
      if (early && !early.open && early.contains(tr)) { return; }
      rows.push(Array.prototype.slice.call(tr.querySelectorAll("input[type=checkbox]")));
    });
    return rows;
  };

  Grid.prototype.boxes = function () {
    return Array.prototype.slice.call(this.root.querySelectorAll("td[data-cell] input[type=checkbox]"));
  };

  // One tab stop for the whole grid (a roving tabindex).
  Grid.prototype.makeCurrent = function (box) {
    this.boxes().forEach(function (b) { b.tabIndex = -1; });
    box.tabIndex = 0;
  };

  Grid.prototype.enhanceKeyboard = function () {
    var self = this;
    var rows = this.rows();
    var first = null;
    rows.forEach(function (row) { row.forEach(function (b) { if (!first && b.checked) { first = b; } }); });
    this.makeCurrent(first || rows[0][0]);
    this.root.addEventListener("keydown", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("td[data-cell] input[type=checkbox]")) { return; }
      var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
      var move = moves[event.key];
      if (!move) { return; }
      var grid = self.rows();
      for (var r = 0; r < grid.length; r++) {
        var c = grid[r].indexOf(box);
        if (c < 0) { continue; }
        var row = Math.min(grid.length - 1, Math.max(0, r + move[0]));
        var col = Math.min(grid[row].length - 1, Math.max(0, c + move[1]));
        var next = grid[row][col];
        event.preventDefault();
        self.makeCurrent(next);
        next.focus();
        return;
      }
    });
    this.root.addEventListener("focusin", function (event) {
      if (event.target.matches && event.target.matches("td[data-cell] input[type=checkbox]")) {
        self.makeCurrent(event.target);
      }
    });
  };

  Grid.prototype.cellAt = function (x, y) {
    var node = document.elementFromPoint(x, y);
    var cell = node && node.closest ? node.closest("td[data-cell]") : null;
    return cell && this.root.contains(cell) ? cell.querySelector("input[type=checkbox]") : null;
  };

  Grid.prototype.enhancePointer = function () {
    var self = this;
    this.root.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      var cell = event.target.closest ? event.target.closest("td[data-cell]") : null;
      if (!cell || !self.root.contains(cell)) { return; }
      var box = cell.querySelector("input[type=checkbox]");
      event.preventDefault();  // no text selection, no native toggle on the way
      self.painting = { on: !box.checked };
      self.swallowClick = true;
      box.checked = self.painting.on;
      self.makeCurrent(box);
      box.focus({ preventScroll: true });
      if (cell.releasePointerCapture && cell.hasPointerCapture && cell.hasPointerCapture(event.pointerId)) {
        cell.releasePointerCapture(event.pointerId);  // touch captures implicitly; let moves hit other cells
      }
    });
    document.addEventListener("pointermove", function (event) {
      if (!self.painting) { return; }
      var box = self.cellAt(event.clientX, event.clientY);
      if (box) { box.checked = self.painting.on; }
    });
    function stop() {
      self.painting = null;
      setTimeout(function () { self.swallowClick = false; }, 0);
    }
    document.addEventListener("pointerup", stop);
    document.addEventListener("pointercancel", stop);
    // The click that follows a press on a checkbox would toggle it back.
    this.root.addEventListener("click", function (event) {
      if (self.swallowClick && event.target.matches && event.target.matches("td[data-cell] input[type=checkbox]")) {
        event.preventDefault();
      }
    });
  };

  Grid.prototype.say = function (text) {
    if (this.status) { this.status.textContent = text; }
  };

  Grid.prototype.enhancePresets = function () {
    var self = this;
    var wrap = this.root.querySelector("[data-availability-presets]");
    var data = document.getElementById("availability-presets");
    if (!wrap || !data) { return; }
    var presets = {};
    JSON.parse(data.textContent).forEach(function (p) { presets[p.id] = p; });
    var byValue = {};
    this.boxes().forEach(function (b) { byValue[b.value] = b; });
    wrap.hidden = false;
    wrap.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button") : null;
      if (!button) { return; }
      if (button.hasAttribute("data-preset-clear")) {
        self.boxes().forEach(function (b) { b.checked = false; });
        // Every word said comes from the page (translated there), none from here.
        self.say(button.getAttribute("data-said") || "");
        return;
      }
      var preset = presets[button.getAttribute("data-preset")];
      if (!preset) { return; }
      var boxes = preset.cells.map(function (cell) { return byValue[String(cell)]; })
        .filter(function (b) { return b; });
      // A preset that is already all marked is taken off again.
      var allOn = boxes.every(function (b) { return b.checked; });
      boxes.forEach(function (b) { b.checked = !allOn; });
      self.say(allOn ? preset.cleared : preset.marked);
    });
  };

  // The grid is in the zone typed above it: say which.
  Grid.prototype.followZone = function () {
    var label = this.root.querySelector("[data-availability-zone]");
    var field = document.querySelector("input[name=timezone]");
    if (!label || !field) { return; }
    function update() { if (field.value.trim()) { label.textContent = field.value.trim(); } }
    field.addEventListener("input", update);
    update();
  };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-availability]").forEach(function (root) { new Grid(root); });
  });
})();
