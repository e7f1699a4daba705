// Front-channel logout: once every application's iframe has loaded (or after a few seconds), go on.
(() => {
  const next = document.getElementById('continue');
  if (!next) return;
  const frames = Array.from(document.querySelectorAll('iframe.frontchannel'));
  let left = frames.length;
  let gone = false;
  const go = () => {
    if (gone) return;
    gone = true;
    window.location.replace(next.href);
  };
  for (const frame of frames) {
    frame.addEventListener('load', () => {
      left -= 1;
      if (left <= 0) go();
    });
  }
  if (left === 0) go();
  setTimeout(go, 3000);
})();
