// The signed-in user changes their own password:
// PUT /api/v1/me/password {old_password, new_password}.
import { api } from '../api.js';
import { store } from '../store.js';

const { ElMessage } = window.ElementPlus;

export default {
  name: 'PasswordChange',
  props: { modelValue: { type: Boolean, default: false } },
  emits: ['update:modelValue'],
  template: `
  <el-dialog :model-value="modelValue" @update:model-value="close" title="修改密码"
             width="min(440px, 94vw)" :close-on-click-modal="false" destroy-on-close
             data-testid="password-change">
    <el-alert v-if="mustChange" type="warning" :closable="false" show-icon class="zx-gap-b"
              title="您正在使用初始密码，请设置新密码。"></el-alert>
    <el-form ref="form" :model="form" :rules="rules" label-width="84px">
      <el-form-item label="原密码" prop="old_password">
        <el-input v-model="form.old_password" type="password" show-password name="old-password"
                  autocomplete="current-password"></el-input>
      </el-form-item>
      <el-form-item label="新密码" prop="new_password">
        <el-input v-model="form.new_password" type="password" show-password name="new-password"
                  autocomplete="new-password" placeholder="至少8位，含字母和数字"></el-input>
      </el-form-item>
      <el-form-item label="确认密码" prop="confirm">
        <el-input v-model="form.confirm" type="password" show-password name="confirm-password"
                  autocomplete="new-password"></el-input>
      </el-form-item>
    </el-form>
    <template #footer>
      <el-button @click="close(false)">取消</el-button>
      <el-button type="primary" :loading="busy" @click="submit">确定</el-button>
    </template>
  </el-dialog>`,
  data() {
    return {
      busy: false,
      form: { old_password: '', new_password: '', confirm: '' },
      rules: {
        old_password: [{ required: true, message: '请输入原密码', trigger: 'blur' }],
        new_password: [
          { required: true, message: '请输入新密码', trigger: 'blur' },
          { min: 8, message: '新密码至少8位', trigger: 'blur' },
          { pattern: /^(?=.*[A-Za-z])(?=.*\d).+$/, message: '新密码须同时包含字母和数字', trigger: 'blur' },
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
  computed: {
    mustChange() { return !!(store.user && store.user.must_change_password); },
  },
  methods: {
    close(v) {
      if (!v) this.form = { old_password: '', new_password: '', confirm: '' };
      this.$emit('update:modelValue', !!v);
    },
    async submit() {
      try {
        await this.$refs.form.validate();
      } catch (_) {
        return;
      }
      this.busy = true;
      try {
        await api.put('/me/password', {
          old_password: this.form.old_password, new_password: this.form.new_password,
        });
        if (store.user) store.user.must_change_password = false;
        ElMessage.success('密码已修改');
        this.close(false);
      } catch (_) {
        // The server's message was shown by the api wrapper.
      } finally {
        this.busy = false;
      }
    },
  },
};
