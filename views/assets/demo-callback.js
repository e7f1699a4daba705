// The demo callback page (views/demo-callback.pug): reads the answer from the address's fragment, checks it against
// the demo request (state, nonce, issuer, audience, expiry, signature, at_hash) and shows the tokens and userinfo.
'use strict';
(function () {
  var root = document.getElementById('demo');
  if (!root) return;
  document.getElementById('demo-nojs').hidden = true;
  var params = new URLSearchParams(location.hash.slice(1));
  if (!params.has('id_token') && !params.has('error') && !params.has('access_token')) {
    document.getElementById('demo-empty').hidden = false;
    return;
  }
  // The tokens leave the address bar (and the history entry) once read.
  history.replaceState(null, '', location.pathname + location.search);

  function show(id, text) {
    document.getElementById(id).textContent = text;
  }
  function mark(check, outcome, detail) {
    var item = root.querySelector('[data-check="' + check + '"]');
    item.dataset.outcome = outcome;
    var label = document.createElement('strong');
    label.textContent = ' ' + root.dataset[outcome] + (detail ? ' (' + detail + ')' : '');
    item.appendChild(label);
  }
  function bytes(b64url) {
    var b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(b64 + '==='.slice((b64.length + 3) % 4));
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }
  function b64url(buffer) {
    var binary = '';
    new Uint8Array(buffer).forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function json(part) {
    return JSON.parse(new TextDecoder().decode(bytes(part)));
  }

  if (params.has('error')) {
    document.getElementById('demo-error').hidden = false;
    show('demo-error-code', params.get('error'));
    show('demo-error-description', params.get('error_description') || '');
    return;
  }

  document.getElementById('demo-result').hidden = false;
  var discovery = fetch(root.dataset.discovery).then(function (r) { return r.json(); });
  var state = params.get('state');
  mark('state', state === root.dataset.state ? 'pass' : 'fail', state === null ? 'none' : undefined);
  var idToken = params.get('id_token');
  var accessToken = params.get('access_token');
  if (!idToken) {
    ['nonce', 'issuer', 'audience', 'expiry', 'signature', 'at_hash'].forEach(function (c) { mark(c, 'skip'); });
  } else {
    var parts = idToken.split('.');
    var header = json(parts[0]);
    var claims = json(parts[1]);
    show('demo-header', JSON.stringify(header, null, 2));
    show('demo-claims', JSON.stringify(claims, null, 2));
    show('demo-id-token', idToken);
    mark('nonce', claims.nonce === root.dataset.nonce ? 'pass' : 'fail');
    mark('issuer', claims.iss === root.dataset.issuer ? 'pass' : 'fail');
    var clients = root.dataset.clients.split(' ');
    var audiences = [].concat(claims.aud);
    mark('audience', audiences.some(function (a) { return clients.indexOf(a) >= 0; }) ? 'pass' : 'fail');
    mark('expiry', typeof claims.exp === 'number' && claims.exp * 1000 > Date.now() ? 'pass' : 'fail', typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toLocaleString() : undefined);
    verify(header, claims, parts);
  }
  if (accessToken) {
    document.getElementById('demo-access').hidden = false;
    show('demo-access-meta', 'token_type=' + (params.get('token_type') || '') + ', expires_in=' + (params.get('expires_in') || ''));
    show('demo-access-token', accessToken);
    userinfo(accessToken);
  }

  function importKey(jwk, alg) {
    if (alg === 'RS256') return crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    if (alg === 'ES256') return crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    if (alg === 'EdDSA') return crypto.subtle.importKey('jwk', jwk, { name: 'Ed25519' }, false, ['verify']);
    return Promise.reject(new Error('algorithm ' + alg));
  }
  function verifyWith(key, alg, parts) {
    var algorithm = alg === 'RS256' ? { name: 'RSASSA-PKCS1-v1_5' } : alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
    return crypto.subtle.verify(algorithm, key, bytes(parts[2]), new TextEncoder().encode(parts[0] + '.' + parts[1]));
  }
  function verify(header, claims, parts) {
    discovery
      .then(function (d) { return fetch(d.jwks_uri); })
      .then(function (r) { return r.json(); })
      .then(function (jwks) {
        var jwk = jwks.keys.filter(function (k) { return k.kid === header.kid; })[0];
        if (!jwk) throw new Error('no key ' + header.kid);
        var plain = Object.assign({}, jwk);
        delete plain.alg;
        delete plain.use;
        delete plain.key_ops;
        return importKey(plain, header.alg).then(function (key) { return verifyWith(key, header.alg, parts); });
      })
      .then(function (valid) { mark('signature', valid ? 'pass' : 'fail', header.alg + ', kid ' + header.kid); })
      .catch(function (err) { mark('signature', 'skip', String(err && err.message)); });
    if (!accessToken || !claims.at_hash) {
      mark('at_hash', 'skip');
      return;
    }
    // at_hash: the left half of the access token's hash, SHA-256 for RS256 and ES256, SHA-512 for EdDSA (Ed25519).
    var hash = header.alg === 'EdDSA' ? 'SHA-512' : 'SHA-256';
    crypto.subtle
      .digest(hash, new TextEncoder().encode(accessToken))
      .then(function (digest) { mark('at_hash', b64url(digest.slice(0, digest.byteLength / 2)) === claims.at_hash ? 'pass' : 'fail'); })
      .catch(function (err) { mark('at_hash', 'skip', String(err && err.message)); });
  }
  function userinfo(token) {
    discovery
      .then(function (d) { return fetch(d.userinfo_endpoint, { headers: { Authorization: 'Bearer ' + token } }); })
      .then(function (r) { return r.json().then(function (body) { return r.status + '\n' + JSON.stringify(body, null, 2); }); })
      .then(function (text) { show('demo-userinfo', text); })
      .catch(function (err) { show('demo-userinfo', String(err && err.message)); });
  }
})();
