// #/timeline/<户编号> — everything that happened to one household, in order:
// entry into the registry, changes, income surveys, warnings and events,
// identification steps, the plan and its measures, visits, elimination steps
// and campaign findings. Newest first by default; filter by kind.
import { api } from '../api.js';
import { formatTime } from '../util.js';
import { useAssistanceStyle, hashParam } from '../assistance-ui.js';

const KINDS = {
  registry: ['录入', 'info'], change: ['变更', 'info'], survey: ['收入', 'primary'], warning: ['预警', 'danger'],
  event: ['事件', 'danger'], case: ['识别纳入', 'warning'], plan: ['计划', 'success'], measure: ['措施', 'success'],
  visit: ['走访', 'primary'], elimination: ['风险消除', 'warning'], issue: ['排查问题', 'danger'],
};

export default {
  name: 'TimelinePage',
  template: `
  <div class="zx-page" data-testid="page-timeline">
    <div class="zx-page-head">
      <h2 class="zx-page-title">
        <el-button link @click="back" class="zx-back" title="返回"><el-icon :size="18"><ArrowLeft /></el-icon></el-button>
        <span>{{ h ? (h.head_name || '—') + ' 户 · 时间线' : '时间线' }}</span>
        <span v-if="h" class="zx-page-title-sub zx-mono">{{ h.hh_no }}</span>
      </h2>
      <div class="zx-toolbar" v-if="h">
        <el-button @click="go('#/household/')"><el-icon><House /></el-icon><span>农户详情</span></el-button>
        <el-button v-if="h.monitored" @click="go('#/plan/')"><el-icon><Document /></el-icon><span>一户一策</span></el-button>
      </div>
    </div>
    <el-empty v-if="missing" description="农户不存在或不在您的管辖范围内"></el-empty>
    <el-card v-else shadow="never" class="zx-card" v-loading="loading">
      <div class="zx-filters zx-gap-b">
        <el-select v-model="kind" clearable placeholder="全部类型" class="zx-filter" data-testid="tl-kind">
          <el-option v-for="(v, k) in kinds" :key="k" :label="v[0]" :value="k"></el-option>
        </el-select>
        <el-switch v-model="oldestFirst" active-text="从早到晚" inactive-text="从近到远"></el-switch>
        <span class="zx-muted" v-if="truncated">记录较多，每类只显示最近 500 条</span>
      </div>
      <el-timeline data-testid="timeline">
        <el-timeline-item v-for="(e, i) in shown" :key="i" :timestamp="stamp(e)" placement="top"
                          :type="kinds[e.kind] ? kinds[e.kind][1] : 'info'" :data-testid="'tl-' + e.kind">
          <div><el-tag size="small" effect="plain" class="zx-tl-kind">{{ kinds[e.kind] ? kinds[e.kind][0] : e.kind }}</el-tag>
            <b>{{ e.title }}</b><span v-if="e.user" class="zx-tl-user">{{ e.user }}</span></div>
          <div v-if="e.detail" class="zx-tl-detail">{{ e.detail }}</div>
        </el-timeline-item>
      </el-timeline>
    </el-card>
  </div>`,
  data() {
    return { hhNo: hashParam('/timeline'), h: null, items: [], truncated: false, missing: false, loading: false,
      kind: '', oldestFirst: false, kinds: KINDS };
  },
  computed: {
    shown() {
      const list = this.kind ? this.items.filter((e) => e.kind === this.kind) : this.items.slice();
      return this.oldestFirst ? list : list.reverse();
    },
  },
  created() {
    useAssistanceStyle();
    this.load();
  },
  methods: {
    back() { history.length > 1 ? history.back() : (location.hash = '#/households'); },
    go(prefix) { location.hash = prefix + encodeURIComponent(this.hhNo); },
    // Events that carry only a date (visits, warnings) show the date alone.
    stamp(e) {
      const t = formatTime(e.ts);
      return t.endsWith(' 00:00') ? e.date : t;
    },
    async load() {
      this.loading = true;
      try {
        const r = await api.get(`/households/${encodeURIComponent(this.hhNo)}/timeline`, null, { quiet: true });
        this.h = r.household;
        this.items = r.items || [];
        this.truncated = r.truncated;
      } catch (e) {
        if (e.status === 404) this.missing = true;
      } finally {
        this.loading = false;
      }
    },
  },
};
