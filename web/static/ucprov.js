// ucprov web admin: move options between the two list boxes of a VPN gateway
// or group without a round trip, ask before a delete, and copy generated text
// (the ASA configuration) to the clipboard.  Without this file the pages still
// work: every move button is a submit button the server handles, and the copy
// button stays hidden.
'use strict';

function syncListbox(box) {
  const chosen = box.querySelector('select[data-role=selected]');
  const hidden = box.querySelector('input[type=hidden][data-role=value]');
  hidden.value = Array.from(chosen.options).map((o) => o.value).join(',');
}

function moveOptions(box, how) {
  const avail = box.querySelector('select[data-role=available]');
  const chosen = box.querySelector('select[data-role=selected]');
  const picked = (sel) => Array.from(sel.selectedOptions);
  if (how === 'add') {
    picked(avail).forEach((o) => chosen.appendChild(o));
  } else if (how === 'remove') {
    picked(chosen).forEach((o) => avail.appendChild(o));
  } else if (how === 'up') {
    picked(chosen).forEach((o) => {
      if (o.previousElementSibling && !o.previousElementSibling.selected)
        chosen.insertBefore(o, o.previousElementSibling);
    });
  } else if (how === 'down') {
    picked(chosen).reverse().forEach((o) => {
      if (o.nextElementSibling && !o.nextElementSibling.selected)
        chosen.insertBefore(o.nextElementSibling, o);
    });
  }
  syncListbox(box);
}

// The text of the element named by data-copy onto the clipboard; where the
// Clipboard API is refused (plain HTTP to a remote host) select it instead.
async function copyText(button) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement.querySelector('.copy-status');
  const say = (text) => { if (status) status.textContent = text; };
  try {
    await navigator.clipboard.writeText(source.textContent);
    say('Copied.');
  } catch (e) {
    const range = document.createRange();
    range.selectNodeContents(source);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    say(document.execCommand('copy') ? 'Copied.' : 'Selected: press Ctrl+C to copy.');
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.querySelectorAll('button[data-copy]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => copyText(button));
  });
  document.querySelectorAll('[data-listbox]').forEach((box) => {
    box.querySelectorAll('button[data-move]').forEach((button) => {
      button.addEventListener('click', (event) => {
        event.preventDefault();
        moveOptions(box, button.dataset.move);
      });
    });
    const avail = box.querySelector('select[data-role=available]');
    const chosen = box.querySelector('select[data-role=selected]');
    avail.addEventListener('dblclick', () => moveOptions(box, 'add'));
    chosen.addEventListener('dblclick', () => moveOptions(box, 'remove'));
  });
  document.querySelectorAll('button[data-confirm]').forEach((button) => {
    button.addEventListener('click', (event) => {
      if (!window.confirm(button.dataset.confirm))
        event.preventDefault();
    });
  });
});
