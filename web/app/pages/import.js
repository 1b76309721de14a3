// #/import — upload a household file (CSV / XLSX in the national template):
// 校验 (dry run) or 导入, a progress bar fed by polling the job every 500 ms,
// then the counts or the table of errors (nothing is written when any row is
// wrong) with a download of the full error list.
import { api, saveBlob } from '../api.js';
import { store } from '../store.js';
import { formatCount } from '../util.js';
import { COLUMNS, templateCsv, loadTemplate } from '../components/registry-fields.js';

const { ElMessage } = window.ElementPlus;

const POLL_MS = 500;
const MAX_BYTES = 512 * 1024 * 1024;
const DONE = ['done', 'succeeded', 'success', 'ok'];
const FAILED = ['failed', 'error'];

function sizeText(n) {
  if (n >= 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + ' MB';
  if (n >= 1024) return (n / 1024).toFixed(1) + ' KB';
  return n + ' B';
}

export default {
  name: 'ImportPage',
  template: `
  <div class="zx-page" data-testid="page-import">
    <div class="zx-page-head">
      <h2 class="zx-page-title">导入农户数据</h2>
      <div class="zx-toolbar">
        <el-button @click="downloadTemplate" data-testid="import-template">
          <el-icon><Download /></el-icon><span>下载空白模板</span>
        </el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card zx-gap-b">
      <div class="zx-import-pick">
        <input ref="file" type="file" class="zx-hidden-file" accept=".csv,.xlsx,.txt,text/csv"
               @change="picked" data-testid="import-file">
        <el-button @click="$refs.file.click()" :disabled="busy" data-testid="import-choose">
          <el-icon><FolderOpened /></el-icon><span>选择文件</span>
        </el-button>
        <span v-if="file" class="zx-import-file" data-testid="import-file-name">
          <el-icon><Document /></el-icon>{{ file.name }}<span class="zx-muted">（{{ size(file.size) }}）</span>
        </span>
        <span v-else class="zx-muted">支持 CSV（UTF-8 或 GB18030，逗号或制表符分隔）和 XLSX 文件</span>
      </div>
      <div class="zx-import-actions">
        <el-button :disabled="!file || busy" :loading="busy && dryRun" @click="start(true)" data-testid="import-check">
          <el-icon><CircleCheck /></el-icon><span>校验</span>
        </el-button>
        <el-button type="primary" :disabled="!file || busy" :loading="busy && !dryRun" @click="start(false)"
                   data-testid="import-run">
          <el-icon><Upload /></el-icon><span>导入</span>
        </el-button>
        <span class="zx-muted zx-import-hint">校验只检查数据，不写入；导入时任一行有错则整个文件都不写入。</span>
      </div>
      <div v-if="phase" class="zx-import-progress" data-testid="import-progress">
        <div class="zx-import-phase">{{ phaseText }}</div>
        <el-progress :percentage="percent" :status="progressStatus" :stroke-width="16" text-inside
                     :indeterminate="indeterminate" :duration="2"></el-progress>
      </div>
    </el-card>

    <el-alert v-if="success" type="success" show-icon :closable="false" class="zx-gap-b zx-import-result"
              :title="success" data-testid="import-success">
      <template #default v-if="successDetail"><span>{{ successDetail }}</span></template>
    </el-alert>
    <div v-if="success && dryRun && !errors.length" class="zx-gap-b">
      <el-button type="primary" @click="start(false)" :disabled="busy" data-testid="import-after-check">
        <el-icon><Upload /></el-icon><span>校验通过，立即导入</span>
      </el-button>
    </div>

    <el-alert v-if="warnings.length" type="warning" show-icon :closable="false" class="zx-gap-b"
              title="提示" data-testid="import-warnings">
      <template #default>
        <div v-for="(w, i) in warnings" :key="i">{{ w }}</div>
      </template>
    </el-alert>

    <el-alert v-if="failure" type="error" show-icon :closable="false" class="zx-gap-b zx-import-result"
              :title="failure" data-testid="import-failure"></el-alert>

    <el-card v-if="errors.length" shadow="never" class="zx-card" data-testid="import-errors">
      <template #header>
        <div class="zx-card-head">
          <span>错误清单（共 {{ fmt(errorCount) }} 处<template v-if="errorCount > errors.length">，下表列出前 {{ errors.length }} 处</template>）</span>
          <el-button size="small" type="primary" plain @click="downloadErrors" v-if="jobId && hasErrorFile"
                     data-testid="import-errors-download">
            <el-icon><Download /></el-icon><span>下载错误清单</span>
          </el-button>
        </div>
      </template>
      <el-table :data="errors" stripe border max-height="520" data-testid="import-error-table">
        <el-table-column v-if="narrow" label="错误">
          <template #default="{ row }">
            <div class="zx-cell-main">{{ row.row ? '第 ' + row.row + ' 行' : '整个文件' }}<span v-if="row.column"> · {{ row.column }}</span></div>
            <div v-if="row.value" class="zx-mono zx-muted">{{ row.value }}</div>
            <div>{{ row.reason }}</div>
          </template>
        </el-table-column>
        <template v-else>
        <el-table-column label="行号" width="76" align="right">
          <template #default="{ row }">{{ row.row || '—' }}</template>
        </el-table-column>
        <el-table-column prop="column" label="列" min-width="100"></el-table-column>
        <el-table-column label="值" min-width="140" show-overflow-tooltip>
          <template #default="{ row }"><span class="zx-mono">{{ row.value }}</span></template>
        </el-table-column>
        <el-table-column prop="reason" label="原因" min-width="220"></el-table-column>
        </template>
      </el-table>
    </el-card>

    <el-card shadow="never" class="zx-card zx-import-help" v-if="!phase">
      <template #header><div class="zx-card-head"><span>文件格式说明</span></div></template>
      <p>每行一名家庭成员，按“户编号”归户；户主行填写住房安全、饮水安全、风险类型、帮扶责任人等户级信息。</p>
      <p>表头按名称识别，列的顺序不限；必填列：<span class="zx-col-list">{{ requiredCols }}</span>。</p>
      <p>重新导入同一户编号将更新该户及其成员，并记入变更记录。</p>
    </el-card>
  </div>`,
  data() {
    return {
      file: null,
      busy: false,
      dryRun: false,
      phase: '',          // '', 'upload', 'queued', 'running', 'done', 'failed'
      progress: 0,
      total: 0,
      jobId: null,
      success: '',
      successDetail: '',
      failure: '',
      errors: [],
      errorCount: 0,
      warnings: [],
      hasErrorFile: false,
      timer: null,
      alive: true,
    };
  },
  created() {
    loadTemplate();
  },
  beforeUnmount() {
    this.alive = false;
    clearTimeout(this.timer);
  },
  computed: {
    narrow() { return store.narrow; },
    requiredCols() {
      return COLUMNS.filter((c) => c.required).map((c) => c.col).join('、');
    },
    percent() {
      // A finished job fills the bar; a failed one shows it in red.
      if (this.phase === 'done' || (this.phase === 'failed' && this.errorCount)) return 100;
      if (!this.total) return 0;
      return Math.min(100, Math.floor((this.progress * 100) / this.total));
    },
    indeterminate() {
      return (this.phase === 'upload' || this.phase === 'queued' || this.phase === 'running') && !this.total;
    },
    progressStatus() {
      if (this.phase === 'failed') return 'exception';
      if (this.phase === 'done') return this.errors.length ? 'warning' : 'success';
      return '';
    },
    phaseText() {
      const what = this.dryRun ? '校验' : '导入';
      switch (this.phase) {
        case 'upload': return '正在上传文件…';
        case 'queued': return '排队等待处理…';
        case 'running':
          return this.total ? `正在${what}：第 ${formatCount(this.progress)} / ${formatCount(this.total)} 行`
            : `正在${what}…`;
        case 'done': return `${what}完成`;
        case 'failed': return this.errorCount ? `${what}完成，发现错误` : `${what}失败`;
        default: return '';
      }
    },
  },
  methods: {
    fmt: formatCount,
    size: sizeText,
    picked(ev) {
      const f = ev.target.files && ev.target.files[0];
      if (!f) return;
      if (!/\.(csv|xlsx|txt)$/i.test(f.name)) {
        ElMessage.warning('请选择 CSV 或 XLSX 文件');
        ev.target.value = '';
        return;
      }
      if (f.size > MAX_BYTES) {
        ElMessage.warning('文件超过 512 MB，请拆分后导入');
        ev.target.value = '';
        return;
      }
      this.file = f;
      this.clearResult();
      this.phase = '';
    },
    clearResult() {
      this.success = '';
      this.successDetail = '';
      this.failure = '';
      this.errors = [];
      this.errorCount = 0;
      this.warnings = [];
      this.hasErrorFile = false;
      this.jobId = null;
      this.progress = 0;
      this.total = 0;
    },
    async start(dryRun) {
      if (!this.file || this.busy) return;
      clearTimeout(this.timer);
      this.clearResult();
      this.dryRun = dryRun;
      this.busy = true;
      this.phase = 'upload';
      const params = { kind: 'households' };
      if (dryRun) params.dry_run = 1;
      try {
        const res = await api.upload('/imports', this.file, { params, quiet: true });
        const job = res.job || res;
        this.jobId = job.id;
        this.show(job);
        if (this.busy) this.poll();
      } catch (e) {
        this.phase = 'failed';
        this.failure = e.message;
        this.busy = false;
      }
    },
    poll() {
      this.timer = setTimeout(async () => {
        if (!this.alive) return;
        try {
          const res = await api.get('/jobs/' + encodeURIComponent(this.jobId), null, { quiet: true });
          if (!this.alive) return;
          this.show(res.job || res);
        } catch (e) {
          if (!this.alive) return;
          if (e.status === 0 || e.status >= 500) {
            // A passing fault: keep asking.
          } else {
            this.phase = 'failed';
            this.failure = e.message;
            this.busy = false;
            return;
          }
        }
        if (this.busy && this.alive) this.poll();
      }, POLL_MS);
    },
    // Applies one job state; ends the polling when the job has finished.
    show(job) {
      const status = String(job.status || '');
      this.progress = Number(job.progress) || 0;
      this.total = Number(job.total) || 0;
      if (DONE.includes(status) || FAILED.includes(status)) {
        this.finish(job, DONE.includes(status));
      } else {
        this.phase = status === 'queued' ? 'queued' : 'running';
      }
    },
    finish(job, ok) {
      this.busy = false;
      const result = job.result || {};
      const errors = job.errors || result.errors || [];
      this.warnings = result.warnings || job.warnings || [];
      this.hasErrorFile = job.has_error_file !== false;
      const count = Number(job.error_count ?? result.error_count ?? errors.length) || 0;
      this.errors = errors;
      this.errorCount = Math.max(count, errors.length);
      if (ok && !this.errorCount) {
        this.phase = 'done';
        const hh = formatCount(result.households || 0);
        const ps = formatCount(result.persons || 0);
        if (this.dryRun) {
          this.success = `校验通过: ${hh}户 ${ps}人 (将新增 ${formatCount(result.created || 0)}, 已登记 ${formatCount(result.existing || 0)})，尚未写入`;
          this.successDetail = '';
        } else {
          this.success = `导入成功: ${hh}户 ${ps}人 (新增 ${formatCount(result.created || 0)}, 更新 ${formatCount(result.updated || 0)})`;
          this.successDetail = result.unchanged ? `其中 ${formatCount(result.unchanged)} 户没有变化` : '';
        }
        return;
      }
      this.phase = 'failed';
      if (this.errorCount) {
        this.failure = `${this.dryRun ? '校验' : '导入'}未通过：发现 ${formatCount(this.errorCount)} 处错误，未写入任何数据，请修改后重新上传。`;
      } else {
        this.failure = job.message || result.message || '处理失败，未写入任何数据';
      }
    },
    async downloadErrors() {
      try {
        await api.download('/jobs/' + encodeURIComponent(this.jobId) + '/errors.csv', null, '错误清单.csv');
      } catch (_) { /* shown */ }
    },
    async downloadTemplate() {
      await loadTemplate();
      saveBlob(new Blob([templateCsv()], { type: 'text/csv;charset=utf-8' }), '农户导入模板.csv');
    },
  },
};
