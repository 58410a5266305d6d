"""A workflow definition drawn as SVG on the server, from the definition itself (nothing from
outside, no script): its stages top to bottom in their order, each action an arrow from its
stage to its target with its title and roles, the windows an action opens beside it, and the
tracks (records with their own lifecycle) listed under the stage they run during.

The layout is one column, which is how these procedures read (each stage follows the
previous one); an action that skips stages or goes back is drawn as an arc on the right, one
that stays in its stage as a note beside it. Every text is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from consult.permissions import role_label
from consult.workflow.definition import Action, Definition

BOX_W, BOX_H, GAP, LEFT, TOP = 300, 54, 96, 20, 20
NOTE_X = LEFT + BOX_W + 24
LINE = 15


def _text(x: float, y: float, value: str, cls: str = "", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" class="{cls}" text-anchor="{anchor}">{escape(value)}</text>'
    )


def _roles(action: Action) -> str:
    return ", ".join(role_label(r) for r in action.roles)


def _window_notes(definition: Definition, action: Action) -> list[str]:
    notes = []
    for window in definition.windows.values():
        if window.opens_with == action.name:
            least = f", ≥ {window.minimum}" if window.minimum else ""
            notes.append(f"▸ {window.title}: {window.duration}{least} ({window.basis})")
    return notes


def svg(definition: Definition) -> Markup:
    names = list(definition.stages)
    row = {name: i for i, name in enumerate(names)}
    parts: list[str] = []
    arcs = 0
    height = TOP + len(names) * (BOX_H + GAP)
    for i, name in enumerate(names):
        stage = definition.stages[name]
        y = TOP + i * (BOX_H + GAP)
        cls = "stage final" if stage.final else "stage"
        parts.append(
            f'<g class="{cls}" id="stage-{escape(name)}">'
            f'<rect x="{LEFT}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8"/>'
            + _text(LEFT + BOX_W / 2, y + 23, stage.title, "title", "middle")
            + _text(LEFT + BOX_W / 2, y + 41, name, "code", "middle")
            + "</g>"
        )
        notes: list[str] = []
        for track in definition.tracks.values():
            if name in track.during:
                notes.append(f"▣ {track.title}: " + " → ".join(a.title for a in track.actions))
        for action in stage.actions.values():
            label = [f"{action.title} ({_roles(action)})", *_window_notes(definition, action)]
            target = row.get(action.target, i)
            if action.target == name:
                notes.extend(label)
            elif target == i + 1:
                x = LEFT + BOX_W / 2
                parts.append(
                    f'<line class="arrow" x1="{x}" y1="{y + BOX_H}" x2="{x}" '
                    f'y2="{y + BOX_H + GAP - 4}" marker-end="url(#head)"/>'
                )
                for k, line in enumerate(label):
                    parts.append(_text(x + 10, y + BOX_H + 22 + k * LINE, line, "action"))
            else:
                arcs += 1
                ty = TOP + target * (BOX_H + GAP) + BOX_H / 2
                sy, bend = y + BOX_H / 2, LEFT + BOX_W + 40 + 30 * arcs
                parts.append(
                    f'<path class="arrow" d="M{LEFT + BOX_W} {sy} C{bend} {sy} {bend} {ty} '
                    f'{LEFT + BOX_W + 4} {ty}" marker-end="url(#head)"/>'
                )
                notes.extend(f"↪ {line} → {action.target}" for line in label)
        for k, line in enumerate(notes):
            parts.append(_text(NOTE_X + 30 * arcs, y + 14 + k * LINE, line, "note"))
    width = NOTE_X + 30 * arcs + 760
    title = escape(definition.title)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="diagram-title" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="workflow">'
        f'<title id="diagram-title">{title}</title>'
        '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker>'
        "</defs><style>"
        ".stage rect{fill:#eef3fa;stroke:#0b4f8a;stroke-width:1.5}"
        ".final rect{fill:#e6f4ea;stroke:#1e6b34}"
        "text{font:13px sans-serif;fill:#1a1a1a}.title{font-weight:700}"
        ".code{font:11px monospace;fill:#444}.action{fill:#0b3d6b}.note{fill:#333;font-size:12px}"
        ".arrow{stroke:#0b4f8a;stroke-width:1.5;fill:none}marker path{fill:#0b4f8a}"
        "</style>" + "".join(parts) + "</svg>"
    )
