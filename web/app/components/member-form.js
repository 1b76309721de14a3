// 添加 / 编辑家庭成员: every person field of the template, enums as selects
// with the import's value lists. Adding POSTs /households/{户编号}/members;
// editing PUTs /households/{户编号}/members/{id} with the changed fields only
// (证件号码 and 联系电话 are sent only when retyped). A server validation error
// {error:{code,message,field}} is shown next to its field.
import { api } from '../api.js';
import { column, valuesOf, yesNo } from './registry-fields.js';
import { idProblem, idGender } from './idcard.js';

const { ElMessage } = window.ElementPlus;

const FIELDS = ['name', 'id_number', 'relation', 'gender', 'nation', 'education', 'school', 'health',
  'disability', 'labor', 'work', 'work_months', 'insured', 'phone', 'previous_head_relation'];
// Template order; previous_head_relation shows only when a member becomes 户主.
const ORDER = ['name', 'id_number', 'relation', 'previous_head_relation', 'gender', 'nation', 'education',
  'school', 'health', 'disability', 'labor', 'work', 'work_months', 'insured', 'phone'];
const INPUTS = {
  name: { max: 32 },
  id_number: { max: 18 },
  nation: { max: 16 },
  work_months: { max: 2, mode: 'numeric' },
  phone: { max: 16, mode: 'tel' },
};
const PHONE_RE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

// The API key of a server error's field (it may name the key or the template
// column), if that field is one of `keys`.
export function serverFieldError(e, keys) {
  if (!e || !e.field) return '';
  const c = column(e.field);
  const key = c ? c.key : e.field;
  return keys.includes(key) ? key : '';
}

function formOf(m) {
  m = m || {};
  const months = m.work_months;
  return {
    name: m.name || '',
    id_number: '',
    relation: m.relation || '',
    gender: m.gender || '',
    nation: m.nation || '',
    education: m.education || '',
    school: m.school || '',
    health: m.health || '',
    disability: m.disability || '',
    labor: m.labor || '',
    work: m.work || '',
    work_months: months === null || months === undefined || months === '' || months < 0 ? '' : String(months),
    insured: yesNo(m.insured),
    phone: '',
    previous_head_relation: '',
  };
}

export default {
  name: 'MemberForm',
  props: {
    modelValue: { type: Boolean, default: false },
    hhNo: { type: String, required: true },
    member: { type: Object, default: null },
  },
  emits: ['update:modelValue', 'saved'],
  template: `
  <el-dialog :model-value="modelValue" @update:model-value="close" :title="member ? '编辑成员' : '添加成员'"
             width="min(640px, 96vw)" :close-on-click-modal="false" @open="reset" data-testid="member-form">
    <el-alert v-if="formError" :title="formError" type="error" show-icon :closable="false" class="zx-gap-b"
              data-testid="member-form-error"></el-alert>
    <el-form ref="form" :model="form" :rules="rules" label-width="96px" class="zx-edit-form zx-form-grid">
      <template v-for="k in order" :key="k">
        <el-form-item v-if="k !== 'previous_head_relation' || newHead" :label="label(k)" :prop="k" :error="errors[k]">
          <el-select v-if="kind(k) === 'select'" v-model="form[k]" class="zx-full" :clearable="!required(k)"
                     :placeholder="required(k) ? '请选择' : '未填写'" filterable
                     :disabled="k === 'disability' && form.health !== '残疾'" :data-testid="'field-' + k"
                     @change="changed(k)">
            <el-option v-for="v in options(k)" :key="v" :label="v" :value="v"></el-option>
          </el-select>
          <el-radio-group v-else-if="kind(k) === 'radio'" v-model="form[k]" :data-testid="'field-' + k">
            <el-radio-button v-for="v in options(k)" :key="v" :value="v">{{ v }}</el-radio-button>
          </el-radio-group>
          <template v-else>
            <el-input v-model.trim="form[k]" :name="k" :maxlength="inputs[k].max" :placeholder="placeholder(k)"
                      :inputmode="inputs[k].mode" autocomplete="off" @blur="k === 'id_number' && fillGender()"></el-input>
            <div v-if="member && current(k)" class="zx-field-note">当前：<span class="zx-mono">{{ current(k) }}</span></div>
          </template>
        </el-form-item>
      </template>
    </el-form>
    <template #footer>
      <el-button @click="close(false)">取消</el-button>
      <el-button type="primary" :loading="saving" @click="save" data-testid="member-form-save">保存</el-button>
    </template>
  </el-dialog>`,
  data() {
    return {
      form: formOf(this.member),
      errors: {},
      formError: '',
      saving: false,
      order: ORDER,
      inputs: INPUTS,
      rules: {
        name: [{ required: true, message: '请输入姓名', trigger: 'blur' }],
        id_number: [{ validator: (r, v, cb) => this.checkId(v, cb), trigger: 'blur' }],
        relation: [{ required: true, message: '请选择与户主关系', trigger: 'change' }],
        gender: [
          { required: true, message: '请选择性别', trigger: 'change' },
          { validator: (r, v, cb) => this.checkGender(v, cb), trigger: 'change' },
        ],
        work_months: [{ pattern: /^(\d|1[0-2])$/, message: '务工时间应为0到12之间的整数', trigger: 'blur' }],
        phone: [{ pattern: PHONE_RE, message: '联系电话格式不正确', trigger: 'blur' }],
        previous_head_relation: [{ required: true, message: '请选择原户主改为何种关系', trigger: 'change' }],
      },
    };
  },
  computed: {
    // Making this member the 户主 needs a new relation for the current one.
    newHead() {
      return this.form.relation === '户主' && !(this.member && this.member.relation === '户主');
    },
  },
  methods: {
    label(k) { return k === 'previous_head_relation' ? '原户主改为' : column(k).col; },
    required(k) { return k === 'previous_head_relation' || !!column(k).required; },
    kind(k) {
      if (k === 'insured') return 'radio';
      return k === 'previous_head_relation' || valuesOf(k).length ? 'select' : 'input';
    },
    options(k) {
      return k === 'previous_head_relation' ? valuesOf('relation').filter((v) => v !== '户主') : valuesOf(k);
    },
    placeholder(k) {
      if ((k === 'id_number' || k === 'phone') && this.member) return '留空则不修改';
      return { id_number: '18位居民身份证号', nation: '如：汉族', work_months: '0-12', phone: '手机或固定电话' }[k] || '';
    },
    // The masked value an edit keeps when the field is left empty.
    current(k) {
      if (k === 'id_number') return this.member.id_masked || this.member.id_number_masked || '';
      if (k === 'phone') return this.member.phone_masked || '';
      return '';
    },
    reset() {
      this.form = formOf(this.member);
      this.errors = {};
      this.formError = '';
      this.$nextTick(() => this.$refs.form && this.$refs.form.clearValidate());
    },
    close(v) {
      this.$emit('update:modelValue', !!v);
    },
    checkId(v, cb) {
      if (!v) return this.member ? cb() : cb(new Error('请输入证件号码'));
      const p = idProblem(v.toUpperCase());
      return p ? cb(new Error(p)) : cb();
    },
    checkGender(v, cb) {
      const id = this.form.id_number.toUpperCase();
      if (v && id && !idProblem(id) && idGender(id) !== v) return cb(new Error('性别与证件号码不符'));
      return cb();
    },
    // A valid new ID fills in an empty 性别.
    fillGender() {
      const id = this.form.id_number.toUpperCase();
      if (id && !idProblem(id) && !this.form.gender) this.form.gender = idGender(id);
    },
    changed(k) {
      if (k === 'health' && this.form.health !== '残疾') this.form.disability = '';
      this.errors = { ...this.errors, [k]: '' };
    },
    body() {
      const f = { ...this.form, id_number: this.form.id_number.toUpperCase() };
      const out = {};
      const before = formOf(this.member);
      for (const k of FIELDS) {
        if (k === 'previous_head_relation') continue;
        if (this.member && f[k] === before[k]) continue;
        if ((k === 'id_number' || k === 'phone') && !f[k] && this.member) continue;
        out[k] = f[k];
      }
      if (this.newHead) out.previous_head_relation = f.previous_head_relation;
      return out;
    },
    async save() {
      this.errors = {};
      this.formError = '';
      try {
        await this.$refs.form.validate();
      } catch (_) {
        return;
      }
      const body = this.body();
      if (this.member && !Object.keys(body).length) {
        ElMessage.info('没有修改');
        this.close(false);
        return;
      }
      const base = '/households/' + encodeURIComponent(this.hhNo) + '/members';
      this.saving = true;
      try {
        if (this.member) {
          await api.put(base + '/' + encodeURIComponent(this.member.id), body, { quiet: true });
        } else {
          await api.post(base, body, { quiet: true });
        }
        ElMessage.success(this.member ? '已保存' : '成员已添加');
        this.close(false);
        this.$emit('saved');
      } catch (e) {
        const key = serverFieldError(e, FIELDS);
        if (key) this.errors = { [key]: e.message };
        else this.formError = e.message;
      } finally {
        this.saving = false;
      }
    },
  },
};
