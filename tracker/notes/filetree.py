"""Files drawn as a tree, the way `tree` prints them (├── └── │).

Files are grouped under their top folders; a chain of folders holding a single
folder each is joined into one label (`src/api/base/`).
"""

from __future__ import annotations

from tracker.notes.views import FileView, TreeBlock, TreeLine


def draw_tree(files: list[FileView]) -> list[TreeBlock]:
    """Files grouped under their top folders, drawn like `tree` (├── └── │); single-folder chains join up."""
    root: dict = {}
    for item in files:
        *folders, name = item.path.split("/")
        node = root
        for folder in folders:
            node = node.setdefault(folder + "/", {})
        node[name] = item
    blocks = []
    top_files = {name: item for name, item in root.items() if isinstance(item, FileView)}
    if top_files:
        blocks.append(TreeBlock("./", _draw(top_files, "")))
    for name in sorted(n for n, v in root.items() if isinstance(v, dict)):
        label, node = _join_chain(name, root[name])
        blocks.append(TreeBlock(label, _draw(node, "")))
    return blocks


def _join_chain(label: str, node: dict) -> tuple[str, dict]:
    while len(node) == 1:
        ((child, value),) = node.items()
        if not isinstance(value, dict):
            break
        label, node = label + child, value
    return label, node


def _draw(node: dict, indent: str) -> list[TreeLine]:
    folders = sorted(name for name, value in node.items() if isinstance(value, dict))
    files = sorted(name for name, value in node.items() if not isinstance(value, dict))
    names = folders + files
    lines: list[TreeLine] = []
    for index, name in enumerate(names):
        last = index == len(names) - 1
        branch = "└── " if last else "├── "
        value = node[name]
        if isinstance(value, dict):
            label, value = _join_chain(name, value)
            lines.append(TreeLine(indent + branch, label, ""))
            lines += _draw(value, indent + ("    " if last else "│   "))
        else:
            lines.append(TreeLine(indent + branch, name, value.note))
    return lines
