// #/rankings — 晾晒 and 红黑榜: the league table of the child areas of the county or town
// picked in the tree (towns of a county, villages of a town) by weighted indicator
// completion for a period up to a date, 红榜 (top N) and 黑榜 (bottom N); admins publish it
// as a snapshot; published snapshots are listed and exported (XLSX, Markdown, 通报 DOCX).
import { api } from '../api.js';
import { store } from '../store.js';
import { PERIODS, years, thisYear, bar } from '../indicator-nav.js';

const { ElMessage } = window.ElementPlus;

function today() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

export default {
  name: 'RankingsPage',
  template: `
  <div class="zx-page" data-testid="page-rankings">
    <div class="zx-page-head">
      <h2 class="zx-page-title">晾晒 / 红黑榜<span class="zx-page-title-sub" v-if="areaName">{{ areaName }}</span></h2>
      <div class="zx-toolbar" v-if="rankable">
        <el-select v-model="year" style="width: 110px" @change="load" data-testid="rank-year">
          <el-option v-for="y in yearList" :key="y" :label="y + '年'" :value="y"></el-option>
        </el-select>
        <el-select v-model="period" style="width: 120px" @change="load" data-testid="rank-period">
          <el-option v-for="p in periods" :key="p.code" :label="p.label" :value="p.code"></el-option>
        </el-select>
        <el-date-picker v-model="asOf" value-format="YYYY-MM-DD" placeholder="统计截至" style="width: 150px"
                        @change="load" data-testid="rank-asof"></el-date-picker>
        <el-input-number v-model="top" :min="1" :max="50" style="width: 110px" @change="load" data-testid="rank-top"></el-input-number>
        <el-button v-if="live && live.may_publish" type="primary" @click="openPublish" data-testid="rank-publish">发布晾晒</el-button>
      </div>
    </div>
    <el-alert v-if="!rankable" type="info" :closable="false" show-icon
              title="请在左侧区域树中选择县（各乡镇排名）或乡镇（各村排名）"></el-alert>
    <template v-else>
      <el-card shadow="never" class="zx-card" v-if="shown">
        <div class="zx-page-head" style="margin-bottom: 8px">
          <div>
            <div class="zx-cell-main" data-testid="rank-title">{{ shown.title }}</div>
            <div class="zx-muted">{{ shown.period.label }}，统计截至 {{ shown.as_of }}<span v-if="shown.id"> · 已发布（{{ shown.created_by }}）</span></div>
          </div>
          <div class="zx-toolbar" v-if="shown.id">
            <el-button size="small" @click="exportAs('xlsx')" data-testid="rank-export-xlsx">导出 XLSX</el-button>
            <el-button size="small" @click="exportAs('docx')" data-testid="rank-export-docx">通报 DOCX</el-button>
            <el-button size="small" @click="exportAs('md')">Markdown</el-button>
            <el-button size="small" link type="primary" @click="shown = live">返回实时排名</el-button>
          </div>
        </div>
        <el-row :gutter="12" style="margin-bottom: 12px">
          <el-col :xs="24" :sm="12">
            <el-card shadow="never" data-testid="rank-red"><template #header><span style="color: #c45656">红榜（前 {{ shown.top }} 名）</span></template>
              <div v-for="r in board('red')" :key="r.area_code">第{{ r.rank }}名 {{ r.area_name }} <b>{{ r.score_pct }}%</b></div>
              <div v-if="!board('red').length" class="zx-muted">无</div>
            </el-card>
          </el-col>
          <el-col :xs="24" :sm="12">
            <el-card shadow="never" data-testid="rank-black"><template #header><span>黑榜（后 {{ shown.top }} 名）</span></template>
              <div v-for="r in board('black')" :key="r.area_code">第{{ r.rank }}名 {{ r.area_name }} <b>{{ r.score_pct }}%</b></div>
              <div v-if="!board('black').length" class="zx-muted">无</div>
            </el-card>
          </el-col>
        </el-row>
        <el-table :data="shown.rows" v-loading="loading" stripe empty-text="没有下级区域" data-testid="rank-table">
          <el-table-column type="expand">
            <template #default="{ row }">
              <el-table :data="row.indicators" size="small" empty-text="未设目标，不参与排名">
                <el-table-column label="指标" prop="name" min-width="140"></el-table-column>
                <el-table-column label="目标" min-width="90" align="right"><template #default="s">{{ s.row.target }}{{ s.row.unit }}</template></el-table-column>
                <el-table-column label="完成" min-width="90" align="right"><template #default="s">{{ s.row.actual }}{{ s.row.unit }}</template></el-table-column>
                <el-table-column label="完成率" min-width="90" align="right"><template #default="s">{{ s.row.completion_pct }}%</template></el-table-column>
                <el-table-column label="权重" prop="weight" width="70" align="right"></el-table-column>
              </el-table>
            </template>
          </el-table-column>
          <el-table-column label="名次" width="70"><template #default="{ row }">{{ row.rank || '—' }}</template></el-table-column>
          <el-table-column label="区域" prop="area_name" min-width="150"></el-table-column>
          <el-table-column label="综合完成率" min-width="200">
            <template #default="{ row }">
              <el-progress v-if="row.score_pct" :percentage="bar(row.score)" :stroke-width="12"
                           :color="row.board === 'red' ? '#67c23a' : row.board === 'black' ? '#f56c6c' : ''"
                           :format="() => row.score_pct + '%'"></el-progress>
              <span v-else class="zx-muted">未设目标</span>
            </template>
          </el-table-column>
          <el-table-column label="" width="80">
            <template #default="{ row }">
              <el-tag v-if="row.board === 'red'" type="danger" effect="dark">红榜</el-tag>
              <el-tag v-else-if="row.board === 'black'" type="info" effect="dark">黑榜</el-tag>
            </template>
          </el-table-column>
        </el-table>
      </el-card>
      <el-card shadow="never" class="zx-card" style="margin-top: 12px">
        <template #header>历次晾晒</template>
        <el-table :data="history" stripe empty-text="尚未发布" data-testid="rank-history" row-class-name="zx-click-row" @row-click="view">
          <el-table-column label="标题" prop="title" min-width="180"></el-table-column>
          <el-table-column label="考核期" min-width="120"><template #default="{ row }">{{ row.period.label }}</template></el-table-column>
          <el-table-column label="统计截至" prop="as_of" width="110"></el-table-column>
          <el-table-column v-if="!narrow" label="发布人" prop="created_by" width="110"></el-table-column>
        </el-table>
      </el-card>
    </template>

    <el-dialog v-model="publishOpen" title="发布晾晒" width="440px" :fullscreen="narrow" data-testid="rank-publish-dialog">
      <el-form label-position="top">
        <el-form-item label="标题"><el-input v-model="title" maxlength="60" data-testid="rank-publish-title"></el-input></el-form-item>
        <div class="zx-muted">发布后保存当前排名快照，之后台账变化不影响已发布的晾晒。</div>
      </el-form>
      <template #footer>
        <el-button @click="publishOpen = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="publish" data-testid="rank-publish-save">发布</el-button>
      </template>
    </el-dialog>
  </div>`,
  data() {
    return { year: thisYear(), period: 'Y', asOf: today(), top: 3, live: null, shown: null, history: [],
      loading: false, publishOpen: false, title: '', saving: false, yearList: years(), periods: PERIODS };
  },
  computed: {
    narrow() { return store.narrow; },
    areaCode() { return store.area ? store.area.code : ''; },
    areaName() { return store.area ? store.area.name : ''; },
    rankable() { return !!store.area && (store.area.level === 3 || store.area.level === 4); },
  },
  watch: {
    areaCode: { immediate: true, handler(code) { if (code && this.rankable) this.load(); } },
  },
  methods: {
    bar,
    board(b) { return this.shown ? this.shown.rows.filter((r) => r.board === b) : []; },
    async load() {
      this.loading = true;
      try {
        const r = await api.get('/rankings', { area: this.areaCode, year: this.year, period: this.period,
          as_of: this.asOf, top: this.top });
        this.live = r.ranking;
        this.shown = r.ranking;
      } catch (_) {
        this.live = this.shown = null;
      } finally {
        this.loading = false;
      }
      this.loadHistory();
    },
    async loadHistory() {
      try {
        const r = await api.get('/rankings/snapshots', { area: this.areaCode, per_page: 50 });
        this.history = (r.items || []).filter((i) => i.area_code === this.areaCode);
      } catch (_) {
        this.history = [];
      }
    },
    async view(row) {
      try {
        const r = await api.get('/rankings/snapshots/' + row.id);
        this.shown = r.ranking;
      } catch (_) {
        // shown by the api wrapper
      }
    },
    openPublish() {
      this.title = this.live ? this.live.title : '';
      this.publishOpen = true;
    },
    async publish() {
      this.saving = true;
      try {
        const r = await api.post('/rankings', { area: this.areaCode, year: this.year, period: this.period,
          as_of: this.asOf, top: this.top, title: this.title });
        this.publishOpen = false;
        ElMessage.success('已发布');
        this.shown = r.ranking;
        this.loadHistory();
      } catch (_) {
        // shown by the api wrapper
      } finally {
        this.saving = false;
      }
    },
    async exportAs(format) {
      const s = this.shown;
      await api.download(`/rankings/snapshots/${s.id}/export`, { format }, `${s.title}.${format}`);
    },
  },
};
