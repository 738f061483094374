"""The ``index.html`` that steps through backward frames: one file, no external scripts.

A class projects it and presses the arrow keys; without JavaScript it is a list of links.
"""

from __future__ import annotations

import html
import json

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backward, step by step</title>
<style>
  body {{ font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }}
  #controls {{ display: flex; gap: 0.6em; align-items: center; margin-bottom: 0.6em; }}
  button {{ font-size: 1em; padding: 0.3em 1em; }}
  #caption {{ font-family: "Courier New", monospace; font-size: 1.05em; margin: 0.6em 0;
             padding: 0.5em; background: #fff8d8; border-left: 4px solid #d62728; }}
  #frame {{ max-width: 100%; border: 1px solid #ddd; }}
  ol {{ font-family: "Courier New", monospace; font-size: 0.9em; }}
  li.current {{ background: #fff8d8; font-weight: bold; }}
  li {{ cursor: pointer; }}
</style>
</head>
<body>
<h1>Backward, step by step</h1>
<div id="controls">
  <button id="first" title="Home">&laquo; first</button>
  <button id="prev" title="left arrow">&#x2190; prev</button>
  <span id="counter">step 1 of {count}</span>
  <button id="next" title="right arrow">next &#x2192;</button>
  <button id="last" title="End">last &raquo;</button>
</div>
<div id="caption">{first_caption}</div>
<img id="frame" src="{first_frame}" alt="the graph at this step">
<noscript><p>Each step as its own picture:</p></noscript>
<ol id="steps">
{items}
</ol>
<script>
  const frames = {frames_json};
  const captions = {captions_json};
  let current = 0;
  const items = document.querySelectorAll("#steps li");
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    document.getElementById("frame").src = frames[current];
    document.getElementById("caption").textContent = captions[current];
    document.getElementById("counter").textContent =
      "step " + (current + 1) + " of " + frames.length;
    items.forEach((item, k) => item.classList.toggle("current", k === current));
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
  show(0);
</script>
</body>
</html>
"""


def _script_json(value) -> str:
    """JSON that cannot end the ``<script>`` element it sits in."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def frames_page(frames: list[str], captions: list[str]) -> str:
    """The page for ``frames`` (file names relative to the page) and their captions."""
    items = "\n".join(f'<li><a href="{html.escape(frame)}">{html.escape(caption)}</a></li>'
                      for frame, caption in zip(frames, captions))
    return _PAGE.format(count=len(frames), first_caption=html.escape(captions[0]),
                        first_frame=html.escape(frames[0]), items=items,
                        frames_json=_script_json(frames), captions_json=_script_json(captions))
