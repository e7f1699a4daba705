// Console pages: each <time data-local> written in UTC by the server is shown in the browser's own time zone and
// language; the UTC text stays as its tooltip. Without JavaScript the UTC text is what shows.
'use strict';
(function () {
  var lang = document.documentElement.lang || undefined;
  var format = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  document.querySelectorAll('time[data-local][datetime]').forEach(function (el) {
    var date = new Date(el.getAttribute('datetime'));
    if (isNaN(date.getTime())) return;
    el.title = el.textContent;
    el.textContent = format.format(date);
  });
})();
