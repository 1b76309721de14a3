// #/notice and #/notice/<村代码> — 公示: the printable notice of a village's cases
// in 村内公示. Only name, 组, category and reason are shown (the server sends
// nothing else): never an ID number, phone or health detail. Prints on A4.
import { api } from '../api.js';
import { store } from '../store.js';
import { useMonitoringStyle } from '../monitoring-ui.js';

function codeOfHash() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  const m = path.match(/^\/notice\/(\d{12})$/);
  return m ? m[1] : '';
}

export default {
  name: 'NoticePage',
  template: `
  <div class="zx-page zx-mon-notice-page" data-testid="page-notice">
    <div class="zx-page-head zx-noprint">
      <h2 class="zx-page-title">公示<span class="zx-page-title-sub" v-if="village">{{ village.name }}</span></h2>
      <div class="zx-toolbar">
        <el-button type="primary" :disabled="!items.length" @click="print" data-testid="notice-print">
          <el-icon><Printer /></el-icon><span>打印</span>
        </el-button>
      </div>
    </div>
    <el-empty v-if="!code" class="zx-noprint" description="请在左侧区域树中选择一个村（社区）" :image-size="70"></el-empty>
    <el-empty v-else-if="error" class="zx-noprint" :description="error"></el-empty>
    <div v-else-if="village" class="zx-mon-sheet" v-loading="loading" data-testid="notice-sheet">
      <h1 class="zx-mon-sheet-title">{{ village.name }}防返贫监测对象识别纳入公示</h1>
      <p class="zx-mon-sheet-text">
        根据防返贫动态监测和帮扶工作要求，经农户申报、干部排查、部门筛查预警，入户核实和村民代表评议，拟将以下农户纳入防返贫监测对象，现予公示。公示期不少于 {{ days }} 天。如有异议，请在公示期内向村民委员会或乡镇人民政府反映。
      </p>
      <table class="zx-mon-sheet-table" data-testid="notice-table">
        <thead><tr><th>序号</th><th>户主姓名</th><th>组</th><th>监测对象类别</th><th>纳入原因</th><th>公示期</th></tr></thead>
        <tbody>
          <tr v-for="(it, i) in items" :key="i" data-testid="notice-row">
            <td>{{ i + 1 }}</td><td>{{ it.name }}</td><td>{{ it.group || '' }}</td>
            <td>{{ it.category || '待审定' }}</td><td class="zx-mon-sheet-reason">{{ it.reason }}</td>
            <td class="zx-mon-sheet-date">{{ it.notice_from }} 至 {{ it.notice_until }}</td>
          </tr>
          <tr v-if="!items.length"><td colspan="6" class="zx-mon-sheet-empty" data-testid="notice-empty">当前没有公示中的农户</td></tr>
        </tbody>
      </table>
      <p class="zx-mon-sheet-text">监督电话：______________________</p>
      <div class="zx-mon-sheet-sign">
        <div>{{ signer }}</div>
        <div>{{ date }}</div>
      </div>
    </div>
  </div>`,
  data() {
    return { fixed: codeOfHash(), village: null, items: [], days: 5, date: '', loading: false, error: '' };
  },
  computed: {
    signer() {
      const n = this.village ? this.village.name : '';
      return /委员会$/.test(n) ? n : n + '村民委员会';
    },
    // A village from the URL, or the area tree's selection when it is a village.
    code() {
      if (this.fixed) return this.fixed;
      return store.area && store.area.level >= 5 ? store.area.code : '';
    },
  },
  watch: {
    code: { immediate: true, handler(c) { if (c) this.load(); else this.village = null; } },
  },
  created() { useMonitoringStyle(); },
  methods: {
    print() { window.print(); },
    async load() {
      const code = this.code;
      this.loading = true;
      this.error = '';
      try {
        const res = await api.get(`/villages/${code}/notice`, null, { quiet: true });
        if (code !== this.code) return;
        this.village = res.village;
        this.items = res.items || [];
        this.days = res.notice_days || 5;
        this.date = res.date || '';
      } catch (e) {
        this.village = null;
        this.error = e.status === 404 ? '村（社区）不存在或不在您的管辖范围内' : e.message;
      } finally {
        this.loading = false;
      }
    },
  },
};
