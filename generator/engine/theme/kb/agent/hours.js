/* Agent console: is a department open right now? (agent site only)
   Worked out in the browser from the department's hours, its IANA time zone (through Intl, so
   the browser's own zone and daylight saving time do not matter) and the holiday calendar. */
window.kbAgent = window.kbAgent || {};
(function (kb) {
  "use strict";

  /* --- open now ------------------------------------------------------------------------------ */

  var WEEKDAYS = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

  /* The wall-clock date, minutes since midnight and weekday (Monday = 0) in a time zone. */
  function zoned(now, tz) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", weekday: "short", hourCycle: "h23"
    }).formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    return {
      date: parts.year + "-" + parts.month + "-" + parts.day,
      minutes: (parseInt(parts.hour, 10) % 24) * 60 + parseInt(parts.minute, 10),
      weekday: WEEKDAYS[parts.weekday]
    };
  }

  function addDays(isoDate, n) {
    var p = isoDate.split("-").map(Number);
    return new Date(Date.UTC(p[0], p[1] - 1, p[2] + n)).toISOString().slice(0, 10);
  }

  function minutesOf(hhmm) { var p = hhmm.split(":"); return parseInt(p[0], 10) * 60 + parseInt(p[1], 10); }

  /* The opening ranges of a department on a date: [[start, end] in minutes], and why when closed. */
  function rangesOn(data, dept, isoDate, weekday) {
    var closure = (data.closures || []).filter(function (c) {
      return c.date === isoDate && (!c.departments.length || c.departments.indexOf(dept.id) !== -1);
    })[0];
    if (closure) {
      if (closure.hours === "closed") return { ranges: [], reason: closure.name };
      var r = closure.hours.split("-");
      return { ranges: [[minutesOf(r[0]), minutesOf(r[1])]], reason: closure.name };
    }
    if (!dept.hours.holidays_open) {
      var holiday = (data.holidays || []).filter(function (h) { return h.date === isoDate; })[0];
      if (holiday) return { ranges: [], reason: holiday.name };
    }
    return {
      ranges: dept.hours.days[weekday].map(function (r) { return [minutesOf(r[0]), minutesOf(r[1])]; }),
      reason: null
    };
  }

  function openStatus(data, dept, now) {
    if (!dept || !dept.hours) return null;
    var here = zoned(now, dept.hours.timezone);
    var today = rangesOn(data, dept, here.date, here.weekday);
    for (var i = 0; i < today.ranges.length; i++) {
      if (today.ranges[i][0] <= here.minutes && here.minutes < today.ranges[i][1]) {
        return { open: true, closes: today.ranges[i][1] };
      }
    }
    var status = { open: false, reason: today.ranges.length ? null : today.reason };
    for (var n = 0; n < 8; n++) { /* the next opening, within a week */
      var day = n === 0 ? today : rangesOn(data, dept, addDays(here.date, n), (here.weekday + n) % 7);
      for (var k = 0; k < day.ranges.length; k++) {
        if (n > 0 || day.ranges[k][0] > here.minutes) {
          status.next = { days: n, weekday: (here.weekday + n) % 7, at: day.ranges[k][0] };
          return status;
        }
      }
    }
    return status;
  }

  function timeText(lang, minutes) {
    if (minutes >= 24 * 60) minutes = 24 * 60 - 1;
    try {
      return new Intl.DateTimeFormat(lang, { hour: "numeric", minute: "2-digit", timeZone: "UTC" })
        .format(new Date(Date.UTC(2024, 0, 1, Math.floor(minutes / 60), minutes % 60)));
    } catch (e) {
      return ("0" + Math.floor(minutes / 60)).slice(-2) + ":" + ("0" + minutes % 60).slice(-2);
    }
  }

  function weekdayText(lang, weekday) {
    try {
      return new Intl.DateTimeFormat(lang, { weekday: "long", timeZone: "UTC" })
        .format(new Date(Date.UTC(2024, 0, 1 + weekday))); /* 2024-01-01 was a Monday */
    } catch (e) {
      return ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][weekday];
    }
  }

  /* A badge (and the after-hours line when closed) for a department, now. */

  kb.zoned = zoned;
  kb.openStatus = openStatus;
  kb.timeText = timeText;
  kb.weekdayText = weekdayText;
})(window.kbAgent);
