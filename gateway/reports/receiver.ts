import type { Logger } from 'pino';
import type { ReportsOverview } from '../../contracts/reports';
import type { Db } from '../../geo/db/types';
import type { Config } from '../config';
import { ReportDelivery, type ReportReceiver } from './delivery';

export interface ReceiverSetting {
  receiver: ReportReceiver | null;
  status: ReportsOverview['receiver'];
}

/**
 * The upper level's receiver from the configuration (REPORT_RECEIVER_URL + REPORT_RECEIVER_SECRET). Without both,
 * reports can be drafted and approved but not sent, and the reports page says so.
 */
export function receiverOf(config: Pick<Config, 'REPORT_RECEIVER_URL' | 'REPORT_RECEIVER_SECRET'>): ReceiverSetting {
  const url = config.REPORT_RECEIVER_URL;
  const secret = config.REPORT_RECEIVER_SECRET;
  if (!url) {
    return { receiver: null, status: { configured: false, message: '未配置上级接收端（REPORT_RECEIVER_URL），报告可起草、审核，但无法报送' } };
  }
  if (!secret) {
    return { receiver: null, status: { configured: false, message: '未配置上级接收端签名密钥（REPORT_RECEIVER_SECRET），报告无法报送' } };
  }
  const host = new URL(url).host;
  return { receiver: { url, secret: secret.reveal() }, status: { configured: true, message: `报送至上级接收端 ${host}（签名推送）` } };
}

/** Starts sending the outbox of reports upward when a receiver is configured; otherwise logs why reports stay. */
export function startReportDelivery(config: Config, db: Db, log: Logger): ReportDelivery | null {
  const { receiver, status } = receiverOf(config);
  if (!receiver) {
    log.warn(status.message);
    return null;
  }
  return new ReportDelivery(db, receiver, log).start();
}
