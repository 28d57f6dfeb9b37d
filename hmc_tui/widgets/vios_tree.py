"""The VIOS mapping tree: patched in place from `vios_model.Item`s.

Rebuilding a Tree loses the user's expansion and cursor (docs/textual.md section 5), so `sync`
reconciles: nodes are matched by their stable key, labels are replaced only when their text
or colours changed, and nodes are added or removed only where mappings appeared or went.
Label colours come from component classes bound to theme variables, so theme switches work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from hmc_tui.widgets.vios_model import Item, Label, NodeRef

TAGS = ("name", "ok", "warn", "bad", "dim")


class ViosTree(Tree[NodeRef]):
    BINDINGS: ClassVar[list[BindingType]] = [  # vim keys as well as arrows
        Binding("j", "cursor_down", "Down", show=False, id="vios.down"),
        Binding("k", "cursor_up", "Up", show=False, id="vios.up"),
    ]
    COMPONENT_CLASSES = Tree.COMPONENT_CLASSES | {f"vios-tree--{t}" for t in TAGS}

    DEFAULT_CSS = """
    ViosTree { height: 1fr; }
    ViosTree > .vios-tree--name { text-style: bold; }
    ViosTree > .vios-tree--ok { color: $success; }
    ViosTree > .vios-tree--warn { color: $warning; }
    ViosTree > .vios-tree--bad { color: $error; text-style: bold; }
    ViosTree > .vios-tree--dim { color: $foreground-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Virtual I/O Servers", id=id)
        self.show_root = False
        self.guide_depth = 3  # deep trees: keep the indent narrow for 80 columns
        self._by_key: dict[str, TreeNode[NodeRef]] = {}
        self._labels: dict[str, Label] = {}
        self._palette: tuple[Style, ...] = ()

    # ------------------------------------------------------------------ lookups
    def node(self, key: str) -> TreeNode[NodeRef] | None:
        return self._by_key.get(key)

    def node_keys(self) -> Iterable[str]:
        return self._by_key.keys()

    def label_text(self, key: str) -> str:
        return "".join(part for part, _ in self._labels.get(key, ()))

    @property
    def selected(self) -> NodeRef | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def select_key(self, key: str) -> bool:
        node = self._by_key.get(key)
        if node is None:
            return False
        parent = node.parent
        while parent is not None:  # the cursor can only rest on a visible line
            parent.expand()
            parent = parent.parent
        self.move_cursor(node)
        # A node added in this refresh has no line number until the tree lays out its
        # lines again: move once more after that.
        self.call_after_refresh(self.move_cursor, node)
        return True

    # ------------------------------------------------------------------ sync
    def sync(self, items: Sequence[Item]) -> None:
        self.root.expand()
        self._reconcile(self.root, items)

    def _reconcile(self, parent: TreeNode[NodeRef], items: Sequence[Item]) -> None:
        wanted = {item.key for item in items}
        for child in list(parent.children):
            if child.data is None or child.data.key not in wanted:
                self._forget(child)
                child.remove()
        for pos, item in enumerate(items):
            node = self._by_key.get(item.key)
            if node is None or node.parent is not parent:
                node = parent.add(self.render_spans(item.label), data=item.ref,
                                  before=pos if pos < len(parent.children) else None,
                                  expand=True, allow_expand=bool(item.children))
                self._by_key[item.key] = node
                self._labels[item.key] = item.label
            else:
                if self._labels.get(item.key) != item.label:
                    self._labels[item.key] = item.label
                    node.set_label(self.render_spans(item.label))
                if node.data != item.ref:
                    node.data = item.ref
                node.allow_expand = bool(item.children)
            self._reconcile(node, item.children)

    def _forget(self, node: TreeNode[NodeRef]) -> None:
        if node.data is not None:
            self._by_key.pop(node.data.key, None)
            self._labels.pop(node.data.key, None)
        for child in node.children:
            self._forget(child)

    # ------------------------------------------------------------------ colours
    def render_spans(self, label: Label) -> Text:
        text = Text(no_wrap=True, end="")
        for part, tag in label:
            text.append(part, self._tag_style(tag) if tag else None)
        return text

    def _tag_style(self, tag: str) -> Style:
        return self.get_component_rich_style(f"vios-tree--{tag}", partial=True)

    def notify_style_update(self) -> None:
        # A theme switch makes the styles baked into every label stale; focus changes also
        # land here, so relabel only when the tag colours really changed.
        super().notify_style_update()
        if not self.is_mounted:
            return
        palette = tuple(self._tag_style(tag) for tag in TAGS)
        if palette != self._palette:
            self._palette = palette
            for key, node in self._by_key.items():
                node.set_label(self.render_spans(self._labels[key]))
