// The passkey prompts of the second-factor pages and the account's security page: ask our origin for a challenge,
// let the browser's authenticator answer it (@simplewebauthn/browser, loaded before this), post the answer, and go
// where the server says (also when it asks for a new sign-in first).
(function () {
  'use strict';
  var button = document.getElementById('passkey');
  var status = document.getElementById('passkey-status');
  if (!button || !status || !window.SimpleWebAuthnBrowser || !window.fetch) return;
  button.hidden = false;
  var base = button.getAttribute('data-base');
  var csrf = button.getAttribute('data-csrf');
  var purpose = button.getAttribute('data-purpose');
  var optionsPath = button.getAttribute('data-options');
  var answerPath = button.getAttribute('data-answer');
  var failed = button.getAttribute('data-failed');
  // The account page names its passkeys: the field whose text goes with the answer.
  var nameField = button.getAttribute('data-name') ? document.getElementById(button.getAttribute('data-name')) : null;

  function post(path, fields) {
    return fetch(base + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    }).then(function (res) {
      return res.json().then(function (body) {
        if (res.status === 401 && body && body.location) window.location.assign(body.location);
        if (!res.ok) throw new Error(body && body.error ? body.error : failed);
        return body;
      });
    });
  }

  button.addEventListener('click', function () {
    button.disabled = true;
    status.textContent = '';
    post(optionsPath, { csrf: csrf, purpose: purpose })
      .then(function (options) {
        var lib = window.SimpleWebAuthnBrowser;
        return purpose === 'register' ? lib.startRegistration({ optionsJSON: options }) : lib.startAuthentication({ optionsJSON: options });
      })
      .then(function (response) {
        var fields = { csrf: csrf, response: JSON.stringify(response) };
        if (nameField) fields.name = nameField.value;
        return post(answerPath, fields);
      })
      .then(function (answer) {
        var shown = document.getElementById('passkey-codes');
        if (!answer.codes || !shown) return window.location.assign(answer.location);
        // A first passkey comes with recovery codes, shown here once before the browser goes on.
        var list = document.getElementById('passkey-code-list');
        answer.codes.forEach(function (code) {
          var item = document.createElement('li');
          var text = document.createElement('code');
          text.textContent = code;
          item.appendChild(text);
          list.appendChild(item);
        });
        document.getElementById('passkey-continue').setAttribute('href', answer.location);
        Array.prototype.forEach.call(document.querySelectorAll('[data-enrol]'), function (el) {
          el.hidden = true;
        });
        shown.hidden = false;
        document.getElementById('passkey-codes-title').focus();
      })
      .catch(function (err) {
        status.textContent = failed;
        button.disabled = false;
      });
  });
})();
