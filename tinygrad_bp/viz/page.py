"""The ``index.html`` that steps through frames: one file, no external scripts.

Backward steps show one picture per step; the training page two side by side (the network and
its learning curves). A class projects it and presses the arrow keys; without JavaScript it is
a list of links.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
  #controls {{ display: flex; gap: 0.6em; align-items: center; margin-bottom: 0.6em; }}
  button {{ font-size: 1em; padding: 0.3em 1em; }}
  #caption {{ font-family: "Courier New", monospace; font-size: 1.05em; margin: 0.6em 0;
             padding: 0.5em; background: #fff8d8; border-left: 4px solid #d62728; }}
  #pictures {{ display: flex; gap: 1em; align-items: flex-start; }}
  #pictures img {{ min-width: 0; max-width: {image_width}; max-height: 85vh; height: auto;
                  border: 1px solid #ddd; }}
  ol {{ font-family: "Courier New", monospace; font-size: 0.9em; }}
  li.current {{ background: #fff8d8; font-weight: bold; }}
  li {{ cursor: pointer; }}
</style>
</head>
<body>
<h1>{title}</h1>
<div id="controls">
  <button id="first" title="Home">&laquo; first</button>
  <button id="prev" title="left arrow">&#x2190; prev</button>
  <span id="counter">{unit} 1 of {count}</span>
  <button id="next" title="right arrow">next &#x2192;</button>
  <button id="last" title="End">last &raquo;</button>
</div>
<div id="caption">{first_caption}</div>
<div id="pictures">
{images}
</div>
<noscript><p>Each {unit} as its own picture:</p></noscript>
<ol id="steps">
{items}
</ol>
<script>
  const frames = {frames_json};
  const captions = {captions_json};
  const unit = {unit_json};
  let current = 0;
  const items = document.querySelectorAll("#steps li");
  const pictures = document.querySelectorAll("#pictures img");
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    pictures.forEach((img, k) => {{ img.src = frames[current][k]; }});
    document.getElementById("caption").textContent = captions[current];
    document.getElementById("counter").textContent =
      unit + " " + (current + 1) + " of " + frames.length;
    items.forEach((item, k) => item.classList.toggle("current", k === current));
    history.replaceState(null, "", "#" + (current + 1));
  }}
  document.getElementById("first").onclick = () => show(0);
  document.getElementById("prev").onclick = () => show(current - 1);
  document.getElementById("next").onclick = () => show(current + 1);
  document.getElementById("last").onclick = () => show(frames.length - 1);
  items.forEach((item, k) => item.addEventListener("click", (e) => {{
    e.preventDefault(); show(k);
  }}));
  document.addEventListener("keydown", (e) => {{
    if (e.key === "ArrowRight" || e.key === " ") {{ show(current + 1); e.preventDefault(); }}
    else if (e.key === "ArrowLeft") show(current - 1);
    else if (e.key === "Home") show(0);
    else if (e.key === "End") show(frames.length - 1);
  }});
  // index.html#3 opens at the third frame: a link can point at one moment
  show((parseInt(location.hash.slice(1), 10) || 1) - 1);
</script>
</body>
</html>
"""


def _script_json(value) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def frames_page(frames: Sequence[str | tuple[str, ...]], captions: list[str], *,
                title: str = "Backward, step by step", unit: str = "step",
                alts: tuple[str, ...] = ("the graph at this step",)) -> str:
    """The page for ``frames`` (file names relative to the page) and their captions.

    A frame is one file name, or a tuple of names shown side by side (``alts`` describes each);
    the list of links below the pictures points at each frame's first file.
    """
    frames = [(frame,) if isinstance(frame, str) else tuple(frame) for frame in frames]
    items = "\n".join(f'<li><a href="{html.escape(frame[0])}">{html.escape(caption)}</a></li>'
                      for frame, caption in zip(frames, captions))
    images = "\n".join(f'<img src="{html.escape(src)}" alt="{html.escape(alt)}">'
                       for src, alt in zip(frames[0], alts))
    width = f"{100 / len(frames[0]):.0f}%" if len(frames[0]) > 1 else "100%"
    return _PAGE.format(title=html.escape(title), unit=html.escape(unit), count=len(frames),
                        first_caption=html.escape(captions[0]), images=images,
                        image_width=width, items=items,
                        frames_json=_script_json([list(f) for f in frames]),
                        captions_json=_script_json(captions), unit_json=_script_json(unit))
