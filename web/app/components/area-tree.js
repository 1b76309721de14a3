// Lazily loaded 行政区划 tree rooted at the user's own area. Selecting a node
// sets the shared current area; selections made elsewhere (store.areaSelectSeq)
// are mirrored into the tree, loading the parent's children when needed.
import { api } from '../api.js';
import { store, selectArea } from '../store.js';

function toNode(a) {
  let leaf;
  if ('has_children' in a) leaf = !a.has_children;
  else if (Array.isArray(a.children)) leaf = a.children.length === 0;
  else if (typeof a.children === 'number') leaf = a.children === 0;
  else leaf = a.level >= 5;
  return {
    code: a.code, name: a.name, level: a.level, level_name: a.level_name,
    households: a.households, persons: a.persons, leaf,
  };
}

export default {
  name: 'AreaTree',
  emits: ['picked'],
  template: `
  <div class="zx-tree-box">
    <div class="zx-aside-title">
      <span>行政区划</span>
      <el-button link size="small" @click="reload" title="刷新">
        <el-icon><Refresh /></el-icon>
      </el-button>
    </div>
    <el-tree v-if="rootCode" :key="treeKey" ref="tree" class="zx-tree" lazy :load="load"
             node-key="code" :props="treeProps" highlight-current
             :expand-on-click-node="false" :default-expanded-keys="[rootCode]"
             @node-click="onClick" data-testid="area-tree">
      <template #default="{ data }">
        <span class="zx-tree-node" :data-code="data.code">
          <span class="zx-tree-label">{{ data.name }}</span>
          <span v-if="data.households != null" class="zx-tree-count">{{ data.households }}户</span>
        </span>
      </template>
    </el-tree>
    <div v-if="failed" class="zx-muted zx-tree-failed">区划加载失败</div>
  </div>`,
  data() {
    return {
      treeProps: { label: 'name', isLeaf: 'leaf' },
      treeKey: 0,
      failed: false,
    };
  },
  computed: {
    rootCode() {
      return store.user && store.user.area_code;
    },
    selectSeq() {
      return store.areaSelectSeq;
    },
  },
  watch: {
    selectSeq() {
      this.mirrorSelection();
    },
  },
  methods: {
    async load(node, resolve, reject) {
      try {
        if (node.level === 0) {
          const root = toNode(await api.get('/areas/' + encodeURIComponent(this.rootCode)));
          this.failed = false;
          resolve([root]);
          this.$nextTick(() => {
            // Keep the current selection across reloads when it is the root.
            if (!store.area || store.area.code === root.code) {
              selectArea(root, [root], true);
            }
            this.$refs.tree && this.$refs.tree.setCurrentKey(store.area ? store.area.code : root.code);
          });
          return;
        }
        const res = await api.get('/areas/' + encodeURIComponent(node.data.code) + '/children');
        resolve((res.items || []).map(toNode));
      } catch (e) {
        if (node.level === 0) this.failed = true;
        if (reject) reject(); else resolve([]);
      }
    },
    pathOf(node) {
      const path = [];
      for (let n = node; n && n.level > 0; n = n.parent) path.unshift(n.data);
      return path;
    },
    onClick(data, node) {
      selectArea(data, this.pathOf(node), true);
      // Selecting opens the node; only the arrow closes it again.
      if (!node.isLeaf && !node.expanded) node.expand();
      this.$emit('picked', data);
    },
    reload() {
      this.treeKey++;
    },
    mirrorSelection() {
      const tree = this.$refs.tree;
      if (!tree || !store.area) return;
      const code = store.area.code;
      const node = tree.getNode(code);
      if (node) {
        if (node.parent && node.parent.level > 0) node.parent.expand(null, true);
        tree.setCurrentKey(code);
        this.scrollTo(code);
        return;
      }
      const path = store.areaPath;
      const parentData = path.length > 1 ? path[path.length - 2] : null;
      const parent = parentData && tree.getNode(parentData.code);
      if (!parent) return;
      parent.expand(() => {
        this.$nextTick(() => {
          tree.setCurrentKey(code);
          this.scrollTo(code);
        });
      }, true);
    },
    scrollTo(code) {
      this.$nextTick(() => {
        const el = this.$el.querySelector(`[data-code="${CSS.escape(String(code))}"]`);
        if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
      });
    },
  },
};
