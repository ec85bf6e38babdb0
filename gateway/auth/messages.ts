import type { SessionEndReason } from '../../contracts/realtime';

/** What a person is told when their session is gone, by reason. */
export const ENDED_MESSAGES: Record<SessionEndReason | 'unknown', string> = {
  expired: '会话已超时，请重新登录',
  logout: '已退出登录',
  revoked: '会话已被管理员注销，请重新登录',
  disabled: '账号已停用，请联系系统管理员',
  password_changed: '密码已修改，请使用新密码重新登录',
  unknown: '会话无效，请重新登录',
};
