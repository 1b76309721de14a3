// #/users — account management for county/town/system administrators:
// search, paginate, add, edit, disable/enable, reset password, delete.
import { api } from '../api.js';
import { store } from '../store.js';
import { formatTime } from '../util.js';
import AreaSelect from '../components/area-select.js';
import PasswordDialog from '../components/password-dialog.js';

const { ElMessage, ElMessageBox } = window.ElementPlus;

const USERNAME_RE = /^[A-Za-z0-9_.-]{2,32}$/;

// Which area levels each role may be bound to (mirrors the server's role
// table; /roles may send min_level/max_level, which then win).
const ROLE_LEVELS = {
  county_admin: [3, 3], town_admin: [4, 4], village_clerk: [5, 5], helper: [3, 5],
  dept_user: [3, 3], sys_admin: [3, 3], sec_admin: [3, 3], audit_admin: [3, 3],
};
const LEVEL_WORDS = { 3: '县', 4: '乡镇', 5: '村' };

// 12-digit codes: county XXXXXX000000, town XXXXXXXXX000, village otherwise.
export function levelOfCode(code) {
  if (!/^\d{12}$/.test(code || '')) return 0;
  if (code.endsWith('000000')) return 3;
  if (code.endsWith('000')) return 4;
  return 5;
}

function emptyForm() {
  return { username: '', display_name: '', role: '', area_code: '', area_name: '', password: '' };
}

export default {
  name: 'UsersPage',
  components: { AreaSelect, PasswordDialog },
  template: `
  <div class="zx-page" data-testid="page-users">
    <div class="zx-page-head">
      <h2 class="zx-page-title">用户管理</h2>
      <div class="zx-toolbar">
        <el-input v-model.trim="q" placeholder="搜索用户名或姓名" clearable class="zx-search"
                  @keyup.enter="search" @clear="search" data-testid="users-search">
          <template #prefix><el-icon><Search /></el-icon></template>
        </el-input>
        <el-button @click="search">查询</el-button>
        <el-button type="primary" @click="openAdd" data-testid="users-add">
          <el-icon><Plus /></el-icon><span>新增用户</span>
        </el-button>
      </div>
    </div>
    <el-card shadow="never" class="zx-card">
      <el-table :data="items" v-loading="loading" stripe data-testid="users-table" empty-text="暂无用户">
        <template v-if="!narrow">
          <el-table-column prop="username" label="用户名" min-width="110"></el-table-column>
          <el-table-column prop="display_name" label="姓名" min-width="90"></el-table-column>
          <el-table-column prop="role_name" label="角色" min-width="110"></el-table-column>
          <el-table-column prop="area_name" label="所属区划" min-width="120"></el-table-column>
        </template>
        <el-table-column v-else label="用户" min-width="150">
          <template #default="{ row }">
            <div class="zx-cell-main">{{ row.display_name }} <span class="zx-muted">{{ row.username }}</span></div>
            <div class="zx-muted">{{ row.role_name }} · {{ row.area_name }}</div>
          </template>
        </el-table-column>
        <el-table-column label="状态" :width="narrow ? 70 : 90" align="center">
          <template #default="{ row }">
            <el-tag v-if="row.disabled" type="info" size="small">已停用</el-tag>
            <el-tag v-else-if="row.locked" type="danger" size="small">已锁定</el-tag>
            <el-tag v-else type="success" size="small">正常</el-tag>
          </template>
        </el-table-column>
        <el-table-column label="上次登录" min-width="140" v-if="!narrow">
          <template #default="{ row }">{{ time(row.last_login_at) }}</template>
        </el-table-column>
        <el-table-column v-if="!narrow" label="操作" min-width="230" fixed="right">
          <template #default="{ row }">
            <div class="zx-row-actions">
              <el-button link type="primary" @click="openEdit(row)">编辑</el-button>
              <el-button link :type="row.disabled ? 'success' : 'warning'" :disabled="isSelf(row)"
                         @click="toggleDisabled(row)">{{ row.disabled ? '启用' : '停用' }}</el-button>
              <el-button link type="primary" @click="resetPassword(row)">重置密码</el-button>
              <el-button link type="danger" :disabled="isSelf(row)" @click="remove(row)">删除</el-button>
            </div>
          </template>
        </el-table-column>
        <el-table-column v-else label="操作" width="92" align="center">
          <template #default="{ row }">
            <el-dropdown trigger="click" @command="(cmd) => act(cmd, row)">
              <el-button link type="primary">操作<el-icon class="el-icon--right"><ArrowDown /></el-icon></el-button>
              <template #dropdown>
                <el-dropdown-menu>
                  <el-dropdown-item command="edit">编辑</el-dropdown-item>
                  <el-dropdown-item command="toggle" :disabled="isSelf(row)">{{ row.disabled ? '启用' : '停用' }}</el-dropdown-item>
                  <el-dropdown-item command="reset">重置密码</el-dropdown-item>
                  <el-dropdown-item command="delete" :disabled="isSelf(row)" divided>删除</el-dropdown-item>
                </el-dropdown-menu>
              </template>
            </el-dropdown>
          </template>
        </el-table-column>
      </el-table>
      <div class="zx-pager">
        <el-pagination v-model:current-page="page" v-model:page-size="perPage" :total="total"
                       :page-sizes="[20, 50, 100]" background :pager-count="5"
                       layout="total, sizes, prev, pager, next" @current-change="load" @size-change="search">
        </el-pagination>
      </div>
    </el-card>

    <el-dialog v-model="formVisible" :title="editing ? '编辑用户' : '新增用户'" width="min(520px, 94vw)"
               :close-on-click-modal="false" destroy-on-close data-testid="user-dialog">
      <el-form ref="form" :model="form" :rules="rules" label-width="84px" label-position="right">
        <el-form-item label="用户名" prop="username">
          <el-input v-model.trim="form.username" :disabled="!!editing" maxlength="32"
                    placeholder="字母、数字、下划线" name="username"></el-input>
        </el-form-item>
        <el-form-item label="姓名" prop="display_name">
          <el-input v-model.trim="form.display_name" maxlength="32" placeholder="真实姓名" name="display_name"></el-input>
        </el-form-item>
        <el-form-item label="角色" prop="role">
          <el-select v-model="form.role" placeholder="请选择角色" class="zx-full" data-testid="role-select"
                     @change="revalidateArea">
            <el-option v-for="r in roles" :key="r.role" :label="r.name" :value="r.role">
              <span>{{ r.name }}</span><span class="zx-option-note">{{ levelHint(r.role) }}</span>
            </el-option>
          </el-select>
        </el-form-item>
        <el-form-item label="所属区划" prop="area_code">
          <area-select v-model="form.area_code" :label="form.area_name" class="zx-full"></area-select>
        </el-form-item>
        <!-- 三权分立: accounts that see personal data always get a generated one-time password. -->
        <el-form-item v-if="!editing && !personalRole" label="初始密码" prop="password">
          <el-input v-model="form.password" type="password" show-password autocomplete="new-password"
                    placeholder="留空则由系统生成" name="new-password"></el-input>
        </el-form-item>
      </el-form>
      <template #footer>
        <el-button @click="formVisible = false">取消</el-button>
        <el-button type="primary" :loading="saving" @click="save" data-testid="user-save">保存</el-button>
      </template>
    </el-dialog>

    <password-dialog v-model="pwVisible" :username="pwUser" :password="pwValue"></password-dialog>
  </div>`,
  data() {
    return {
      items: [], total: 0, page: 1, perPage: 20, q: '', loading: false,
      roles: [],
      formVisible: false, editing: null, saving: false, form: emptyForm(),
      pwVisible: false, pwUser: '', pwValue: '',
      rules: {
        username: [
          { required: true, message: '请输入用户名', trigger: 'blur' },
          { pattern: USERNAME_RE, message: '用户名为2-32位字母、数字、下划线、点或横线', trigger: 'blur' },
        ],
        display_name: [{ required: true, message: '请输入姓名', trigger: 'blur' }],
        role: [{ required: true, message: '请选择角色', trigger: 'change' }],
        area_code: [
          { required: true, message: '请选择所属区划', trigger: 'change' },
          { validator: (rule, v, cb) => this.checkLevel(v, cb), trigger: 'change' },
        ],
        password: [{ min: 8, message: '密码至少8位', trigger: 'blur' }],
      },
    };
  },
  watch: {
    pwVisible(v) {
      // Forget the generated password once the dialog has faded out.
      if (!v) setTimeout(() => { if (!this.pwVisible) this.pwValue = ''; }, 400);
    },
  },
  created() {
    this.load();
    this.loadRoles();
  },
  computed: {
    narrow() { return store.narrow; },
    personalRole() {
      const r = this.roles.find((x) => x.role === this.form.role);
      return !!(r && r.personal_data);
    },
  },
  methods: {
    time: formatTime,
    levels(role) {
      const r = this.roles.find((x) => x.role === role);
      if (r && r.min_level && r.max_level) return [r.min_level, r.max_level];
      return ROLE_LEVELS[role] || null;
    },
    levelHint(role) {
      const lv = this.levels(role);
      if (!lv) return '';
      return lv[0] === lv[1] ? `绑定到${LEVEL_WORDS[lv[0]]}` : `绑定到${LEVEL_WORDS[lv[0]]}至${LEVEL_WORDS[lv[1]]}`;
    },
    checkLevel(code, cb) {
      const lv = this.levels(this.form.role);
      const level = levelOfCode(code);
      if (!lv || !level || (level >= lv[0] && level <= lv[1])) return cb();
      const name = (this.roles.find((x) => x.role === this.form.role) || {}).name || '该角色';
      cb(new Error(`${name}须${this.levelHint(this.form.role)}级区划`));
    },
    revalidateArea() {
      if (this.form.area_code && this.$refs.form) this.$refs.form.validateField('area_code').catch(() => {});
    },
    act(cmd, row) {
      if (cmd === 'edit') this.openEdit(row);
      else if (cmd === 'toggle') this.toggleDisabled(row);
      else if (cmd === 'reset') this.resetPassword(row);
      else if (cmd === 'delete') this.remove(row);
    },
    isSelf(row) {
      return store.user && row.id === store.user.id;
    },
    search() {
      this.page = 1;
      this.load();
    },
    async load() {
      this.loading = true;
      try {
        const res = await api.get('/users', { page: this.page, per_page: this.perPage, q: this.q });
        this.items = res.items || [];
        this.total = res.total || 0;
      } catch (_) {
        this.items = [];
        this.total = 0;
      } finally {
        this.loading = false;
      }
    },
    async loadRoles() {
      try {
        this.roles = (await api.get('/roles')).items || [];
      } catch (_) {
        this.roles = [];
      }
    },
    openAdd() {
      this.editing = null;
      this.form = emptyForm();
      if (store.area) {
        this.form.area_code = store.area.code;
        this.form.area_name = store.area.name;
      } else if (store.user) {
        this.form.area_code = store.user.area_code;
        this.form.area_name = store.user.area_name;
      }
      this.formVisible = true;
    },
    openEdit(row) {
      this.editing = row;
      this.form = {
        username: row.username, display_name: row.display_name, role: row.role,
        area_code: row.area_code, area_name: row.area_name, password: '',
      };
      this.formVisible = true;
    },
    async save() {
      try {
        await this.$refs.form.validate();
      } catch (_) {
        return;
      }
      this.saving = true;
      try {
        let res;
        if (this.editing) {
          res = await api.put('/users/' + this.editing.id, {
            display_name: this.form.display_name, role: this.form.role, area_code: this.form.area_code,
          });
          ElMessage.success('已保存');
        } else {
          const body = {
            username: this.form.username, display_name: this.form.display_name,
            role: this.form.role, area_code: this.form.area_code,
          };
          if (this.form.password && !this.personalRole) body.password = this.form.password;
          res = await api.post('/users', body);
          ElMessage.success('用户已创建');
        }
        this.formVisible = false;
        if (res.password) this.showPassword(res.user ? res.user.username : this.form.username, res.password);
        this.load();
      } catch (_) {
        // The server's message was shown by the api wrapper.
      } finally {
        this.saving = false;
      }
    },
    showPassword(username, password) {
      this.pwUser = username;
      this.pwValue = password;
      this.pwVisible = true;
    },
    async confirm(message, title, button, type) {
      try {
        await ElMessageBox.confirm(message, title, {
          confirmButtonText: button, cancelButtonText: '取消', type: type || 'warning',
        });
        return true;
      } catch (_) {
        return false;
      }
    },
    async toggleDisabled(row) {
      const disable = !row.disabled;
      const verb = disable ? '停用' : '启用';
      if (!(await this.confirm(`确定${verb}用户「${row.display_name}（${row.username}）」吗？`, verb + '用户', verb))) return;
      try {
        await api.put('/users/' + row.id, { disabled: disable });
        ElMessage.success('已' + verb);
        this.load();
      } catch (_) { /* shown */ }
    },
    async resetPassword(row) {
      if (!(await this.confirm(`将为用户「${row.display_name}（${row.username}）」生成新密码，原密码立即失效。`, '重置密码', '重置'))) return;
      try {
        const res = await api.put('/users/' + row.id, { reset_password: true });
        if (res.password) this.showPassword(row.username, res.password);
        else ElMessage.success('密码已重置');
        this.load();
      } catch (_) { /* shown */ }
    },
    async remove(row) {
      if (!(await this.confirm(`确定删除用户「${row.display_name}（${row.username}）」吗？此操作不可恢复。`, '删除用户', '删除', 'error'))) return;
      try {
        await api.del('/users/' + row.id);
        ElMessage.success('已删除');
        if (this.items.length === 1 && this.page > 1) this.page--;
        this.load();
      } catch (_) { /* shown */ }
    },
  },
};
