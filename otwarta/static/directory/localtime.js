// Service pages: opening times are Polish local time. When the reader's browser is in another time zone,
// add the same moment in the reader's own time next to each time. Progressive enhancement only.
(function () {
  "use strict";
  var root = document.querySelector("[data-time-zone]");
  if (!root || !window.Intl || !document.querySelectorAll) return;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
  if (!zone || zone === root.getAttribute("data-time-zone")) return;
  var lang = document.documentElement.lang || undefined;
  var clock = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" });
  var weekday = new Intl.DateTimeFormat(lang, { weekday: "short" });
  var label = root.getAttribute("data-your-time-label") || "";
  var changed = 0;
  [].forEach.call(document.querySelectorAll("time[data-local-time]"), function (el) {
    var iso = el.getAttribute("datetime") || "";
    var moment = new Date(iso);
    var match = /([+-])(\d\d):(\d\d)$/.exec(iso);
    if (isNaN(moment.getTime()) || !match) return;
    var polishOffset = (match[1] === "-" ? -1 : 1) * (parseInt(match[2], 10) * 60 + parseInt(match[3], 10));
    var readerOffset = -moment.getTimezoneOffset();
    if (polishOffset === readerOffset) return;
    var polishDay = new Date(moment.getTime() + polishOffset * 60000).getUTCDate();
    var readerDay = new Date(moment.getTime() + readerOffset * 60000).getUTCDate();
    var text = clock.format(moment) + (polishDay !== readerDay ? " " + weekday.format(moment) : "");
    var extra = document.createElement("span");
    extra.className = "dir-your-time";
    extra.textContent = " (" + label + " " + text + ")";
    el.parentNode.insertBefore(extra, el.nextSibling);
    changed += 1;
  });
  var note = document.querySelector(".dir-your-zone");
  if (note && changed) {
    note.textContent = " " + (root.getAttribute("data-your-zone-label") || "") + " " + zone;
    note.hidden = false;
  }
})();
