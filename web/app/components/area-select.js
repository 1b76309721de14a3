// Area picker: a lazily loaded tree-select over the signed-in user's area
// subtree. v-model is the 12-digit area code; `label` names the initial
// value before its node is loaded.
import { api } from '../api.js';
import { store } from '../store.js';

function toOption(a) {
  const leaf = 'has_children' in a ? !a.has_children : a.level >= 5;
  return { code: a.code, name: a.name, level: a.level, leaf };
}

export default {
  name: 'AreaSelect',
  props: {
    modelValue: { type: String, default: '' },
    label: { type: String, default: '' },
  },
  emits: ['update:modelValue'],
  template: `
  <div class="zx-area-select" data-testid="area-select">
  <el-tree-select :model-value="modelValue" @update:model-value="$emit('update:modelValue', $event)"
                  lazy :load="load" node-key="code" :props="treeProps" check-strictly
                  :cache-data="cache" :render-after-expand="false" filterable
                  :default-expanded-keys="rootKeys"
                  placeholder="请选择所属区划" class="zx-full">
  </el-tree-select>
  </div>`,
  data() {
    return { treeProps: { label: 'name', isLeaf: 'leaf' } };
  },
  computed: {
    rootKeys() {
      return store.user ? [store.user.area_code] : [];
    },
    cache() {
      return this.modelValue && this.label ? [{ code: this.modelValue, name: this.label, leaf: true }] : [];
    },
  },
  methods: {
    async load(node, resolve) {
      try {
        if (node.level === 0) {
          const root = await api.get('/areas/' + encodeURIComponent(store.user.area_code));
          resolve([toOption({ ...root, has_children: root.level < 5 })]);
          return;
        }
        const res = await api.get('/areas/' + encodeURIComponent(node.data.code) + '/children');
        resolve((res.items || []).map(toOption));
      } catch (_) {
        resolve([]);
      }
    },
  },
};
