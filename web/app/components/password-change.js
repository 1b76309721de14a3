// The signed-in user changes their own password:
// PUT /api/v1/me/password {old_password, new_password} → {} (the server ends
// the user's other sessions). Errors: 422 wrong_password (原密码),
// weak_password and password_reused (新密码) — shown next to their field.
//
// forced: the server answered 403 password_change_required (a generated or an
// expired password); the dialog cannot be dismissed, 退出 is the only other way.
import { api } from '../api.js';
import { store, clearSession } from '../store.js';
import { passwordProblem, POLICY_HINT } from './password-policy.js';
import { useAccountStyle } from './account-style.js';

const { ElMessage } = window.ElementPlus;

const EMPTY = () => ({ old_password: '', new_password: '', confirm: '' });

export default {
  name: 'PasswordChange',
  props: {
    modelValue: { type: Boolean, default: false },
    forced: { type: Boolean, default: false },
  },
  emits: ['update:modelValue', 'changed'],
  template: `
  <el-dialog :model-value="modelValue" @update:model-value="close" title="修改密码"
             width="min(460px, 94vw)" :close-on-click-modal="false" :close-on-press-escape="!forced"
             :show-close="!forced" destroy-on-close append-to-body data-testid="password-change">
    <el-alert v-if="forced" type="warning" :closable="false" show-icon class="zx-gap-b"
              :title="forcedTitle" data-testid="password-forced"></el-alert>
    <el-alert v-else-if="mustChange" type="warning" :closable="false" show-icon class="zx-gap-b"
              title="您正在使用初始密码，请设置新密码。"></el-alert>
    <el-form ref="form" :model="form" :rules="rules" label-width="84px" class="zx-pw-form"
             @submit.prevent="submit">
      <el-form-item label="原密码" prop="old_password" :error="errors.old_password">
        <el-input v-model="form.old_password" type="password" show-password name="old-password"
                  autocomplete="current-password" maxlength="128"></el-input>
      </el-form-item>
      <el-form-item label="新密码" prop="new_password" :error="errors.new_password">
        <el-input v-model="form.new_password" type="password" show-password name="new-password"
                  autocomplete="new-password" maxlength="128" placeholder="至少10位"></el-input>
        <div class="zx-pw-hint">{{ hint }}</div>
      </el-form-item>
      <el-form-item label="确认密码" prop="confirm">
        <el-input v-model="form.confirm" type="password" show-password name="confirm-password"
                  autocomplete="new-password" maxlength="128"></el-input>
      </el-form-item>
    </el-form>
    <p class="zx-pw-note">修改后，您在其他设备上的登录将被退出。</p>
    <template #footer>
      <el-button v-if="forced" @click="logout" data-testid="password-logout">退出</el-button>
      <el-button v-else @click="close(false)">取消</el-button>
      <el-button type="primary" :loading="busy" @click="submit" data-testid="password-submit">确定</el-button>
    </template>
  </el-dialog>`,
  data() {
    return {
      busy: false,
      hint: POLICY_HINT,
      form: EMPTY(),
      errors: { old_password: '', new_password: '' },
      rules: {
        old_password: [{ required: true, message: '请输入原密码', trigger: 'blur' }],
        new_password: [
          { required: true, message: '请输入新密码', trigger: 'blur' },
          {
            validator: (rule, v, cb) => {
              const p = passwordProblem(v, store.user && store.user.username);
              if (p) cb(new Error(p));
              else if (v === this.form.old_password) cb(new Error('新密码不能与原密码相同'));
              else cb();
            },
            trigger: 'blur',
          },
        ],
        confirm: [
          { required: true, message: '请再次输入新密码', trigger: 'blur' },
          {
            validator: (rule, v, cb) => (v === this.form.new_password ? cb() : cb(new Error('两次输入的密码不一致'))),
            trigger: 'blur',
          },
        ],
      },
    };
  },
  created() {
    useAccountStyle();
  },
  computed: {
    mustChange() { return !!(store.user && store.user.must_change_password); },
    forcedTitle() {
      return store.user && store.user.password_expired
        ? '您的密码已过期，请设置新密码后继续使用。'
        : '您正在使用系统生成的初始密码，请设置新密码后继续使用。';
    },
  },
  watch: {
    // A server message belongs to the value it judged; editing clears it.
    'form.old_password'() { this.errors.old_password = ''; },
    'form.new_password'() { this.errors.new_password = ''; },
  },
  methods: {
    close(v) {
      if (!v && this.forced) return;
      if (!v) this.reset();
      this.$emit('update:modelValue', !!v);
    },
    reset() {
      this.form = EMPTY();
      this.errors = { old_password: '', new_password: '' };
    },
    async submit() {
      this.errors = { old_password: '', new_password: '' };
      try {
        await this.$refs.form.validate();
      } catch (_) {
        return;
      }
      this.busy = true;
      try {
        await api.put('/me/password', {
          old_password: this.form.old_password, new_password: this.form.new_password,
        }, { quiet: true });
        if (store.user) {
          store.user.must_change_password = false;
          store.user.password_expired = false;
        }
        store.pwForced = false;
        ElMessage.success('密码已修改');
        this.reset();
        this.$emit('update:modelValue', false);
        this.$emit('changed');
      } catch (e) {
        if (e.code === 'wrong_password') this.errors.old_password = e.message;
        else if (e.code === 'weak_password' || e.code === 'password_reused') this.errors.new_password = e.message;
        else if (e.status !== 401) ElMessage.error({ message: e.message, grouping: true });
      } finally {
        this.busy = false;
      }
    },
    async logout() {
      try {
        await api.del('/session', { quiet: true, noRedirect: true });
      } catch (_) {
        // Signed out locally either way.
      }
      store.pwForced = false;
      this.reset();
      this.$emit('update:modelValue', false);
      clearSession();
      location.hash = '#/login';
    },
  },
};
