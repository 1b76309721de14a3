// 编辑户信息: the household-level fields of the template.
// PUT /api/v1/households/{户编号} with the changed fields only; a validation
// error {error:{code,message,field}} is shown next to its field.
import { api } from '../api.js';
import { valuesOf, yesNo } from './registry-fields.js';
import { serverFieldError } from './member-form.js';

const { ElMessage } = window.ElementPlus;

const FIELDS = ['group', 'hh_type', 'category', 'tuopin_year', 'housing_safe', 'water_safe', 'risk_type', 'helper'];

function formOf(h) {
  return {
    group: h.group || '',
    hh_type: h.hh_type || '',
    category: h.category || '',
    tuopin_year: h.tuopin_year ? String(h.tuopin_year) : '',
    housing_safe: yesNo(h.housing_safe),
    water_safe: yesNo(h.water_safe),
    risk_type: h.risk_type || '',
    helper: h.helper || '',
  };
}

export default {
  name: 'HouseholdForm',
  props: {
    modelValue: { type: Boolean, default: false },
    household: { type: Object, required: true },
  },
  emits: ['update:modelValue', 'saved'],
  template: `
  <el-dialog :model-value="modelValue" @update:model-value="close" title="编辑户信息"
             width="min(560px, 94vw)" :close-on-click-modal="false" @open="reset" data-testid="hh-form">
    <el-alert v-if="formError" :title="formError" type="error" show-icon :closable="false" class="zx-gap-b"
              data-testid="hh-form-error"></el-alert>
    <el-form ref="form" :model="form" :rules="rules" label-width="104px" class="zx-edit-form">
      <el-form-item label="户编号">
        <span class="zx-mono">{{ household.hh_no }}</span>
      </el-form-item>
      <el-form-item label="组" prop="group" :error="errors.group">
        <el-input v-model.trim="form.group" maxlength="16" placeholder="如：3组" name="group"></el-input>
      </el-form-item>
      <el-form-item label="户类型" prop="hh_type" :error="errors.hh_type">
        <el-select v-model="form.hh_type" class="zx-full" data-testid="field-hh_type" @change="recheckCategory">
          <el-option v-for="v in values.hh_type" :key="v" :label="v" :value="v"></el-option>
        </el-select>
      </el-form-item>
      <el-form-item label="监测对象类别" prop="category" :error="errors.category">
        <el-select v-model="form.category" class="zx-full" clearable placeholder="非监测对象"
                   data-testid="field-category">
          <el-option v-for="v in values.category" :key="v" :label="v" :value="v"></el-option>
        </el-select>
      </el-form-item>
      <el-form-item label="脱贫年度" prop="tuopin_year" :error="errors.tuopin_year">
        <el-input v-model.trim="form.tuopin_year" maxlength="4" placeholder="如：2018" name="tuopin_year"></el-input>
      </el-form-item>
      <el-form-item label="住房安全" prop="housing_safe" :error="errors.housing_safe">
        <el-radio-group v-model="form.housing_safe" data-testid="field-housing_safe">
          <el-radio-button v-for="v in values.yes_no" :key="v" :value="v">{{ v }}</el-radio-button>
        </el-radio-group>
      </el-form-item>
      <el-form-item label="饮水安全" prop="water_safe" :error="errors.water_safe">
        <el-radio-group v-model="form.water_safe" data-testid="field-water_safe">
          <el-radio-button v-for="v in values.yes_no" :key="v" :value="v">{{ v }}</el-radio-button>
        </el-radio-group>
      </el-form-item>
      <el-form-item label="风险类型" prop="risk_type" :error="errors.risk_type">
        <el-select v-model="form.risk_type" class="zx-full" clearable placeholder="无" data-testid="field-risk_type">
          <el-option v-for="v in values.risk_type" :key="v" :label="v" :value="v"></el-option>
        </el-select>
      </el-form-item>
      <el-form-item label="帮扶责任人" prop="helper" :error="errors.helper">
        <el-input v-model.trim="form.helper" maxlength="32" name="helper"></el-input>
      </el-form-item>
    </el-form>
    <template #footer>
      <el-button @click="close(false)">取消</el-button>
      <el-button type="primary" :loading="saving" @click="save" data-testid="hh-form-save">保存</el-button>
    </template>
  </el-dialog>`,
  data() {
    return {
      form: formOf(this.household),
      errors: {},
      formError: '',
      saving: false,
      rules: {
        hh_type: [{ required: true, message: '请选择户类型', trigger: 'change' }],
        category: [{ validator: (r, v, cb) => this.checkCategory(v, cb), trigger: 'change' }],
        tuopin_year: [{ validator: (r, v, cb) => this.checkYear(v, cb), trigger: 'blur' }],
      },
    };
  },
  computed: {
    values() {
      return {
        hh_type: valuesOf('hh_type'),
        category: valuesOf('category'),
        risk_type: valuesOf('risk_type'),
        yes_no: valuesOf('housing_safe'),
      };
    },
  },
  methods: {
    reset() {
      this.form = formOf(this.household);
      this.errors = {};
      this.formError = '';
      this.$nextTick(() => this.$refs.form && this.$refs.form.clearValidate());
    },
    close(v) {
      this.$emit('update:modelValue', !!v);
    },
    checkCategory(v, cb) {
      if (v === '脱贫不稳定户' && this.form.hh_type !== '脱贫户') cb(new Error('脱贫不稳定户的户类型须为脱贫户'));
      else cb();
    },
    checkYear(v, cb) {
      if (!v) return cb();
      if (!/^\d{4}$/.test(v) || Number(v) < 2014 || Number(v) > 2020) return cb(new Error('脱贫年度应为2014至2020年'));
      if (this.form.hh_type !== '脱贫户') return cb(new Error('只有脱贫户填写脱贫年度'));
      return cb();
    },
    recheckCategory() {
      if (this.form.category) this.$refs.form.validateField('category').catch(() => {});
      if (this.form.tuopin_year) this.$refs.form.validateField('tuopin_year').catch(() => {});
    },
    async save() {
      this.errors = {};
      this.formError = '';
      try {
        await this.$refs.form.validate();
      } catch (_) {
        return;
      }
      const before = formOf(this.household);
      const body = {};
      for (const k of FIELDS) {
        if (this.form[k] !== before[k]) body[k] = this.form[k];
      }
      if (!Object.keys(body).length) {
        ElMessage.info('没有修改');
        this.close(false);
        return;
      }
      this.saving = true;
      try {
        await api.put('/households/' + encodeURIComponent(this.household.hh_no), body, { quiet: true });
        ElMessage.success('已保存');
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
