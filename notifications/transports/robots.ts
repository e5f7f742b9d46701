// Supervisor pages to a store's group chat through WeCom (企业微信) and DingTalk (钉钉) group robots,
// in the JSON message formats their webhook documentation gives (text or markdown).
import { createHmac } from 'node:crypto';
import type { RobotConfig } from '../channelConfig';
import { OutgoingMessage, postJson, Transport } from './transport';

/** Both robots answer 200 with {errcode, errmsg}; a non-zero errcode is a failed send. */
function checkAnswer(robot: string, answer: unknown): void {
  const errcode = (answer as { errcode?: number } | null)?.errcode;
  // errcode only: errmsg is the robot's free text, which may quote the request back.
  if (errcode !== undefined && errcode !== 0) throw new Error(`${robot} robot refused the message: errcode ${Number(errcode)}`);
}

export function weComRobot(config: RobotConfig): Transport {
  return {
    async send(message: OutgoingMessage) {
      const payload =
        config.format === 'markdown'
          ? { msgtype: 'markdown', markdown: { content: `**${message.subject}**\n${message.body.split('\n').map((l) => `> ${l}`).join('\n')}` } }
          : { msgtype: 'text', text: { content: `${message.subject}\n${message.body}`, mentioned_mobile_list: config.mentionMobiles } };
      checkAnswer('WeCom', await postJson(config.webhookUrl, payload));
      return {};
    },
  };
}

/** DingTalk's signed webhook: HMAC-SHA256 of "timestamp\nsecret" with the secret, base64, in the query. */
export function dingTalkSignedUrl(webhookUrl: string, secret: string, timestamp: number): string {
  const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  const url = new URL(webhookUrl);
  url.searchParams.set('timestamp', String(timestamp));
  url.searchParams.set('sign', sign);
  return url.toString();
}

export function dingTalkRobot(config: RobotConfig, now: () => number): Transport {
  return {
    async send(message: OutgoingMessage) {
      const at = { atMobiles: config.mentionMobiles, isAtAll: false };
      const mentions = config.mentionMobiles.map((m) => ` @${m}`).join('');
      const payload =
        config.format === 'markdown'
          ? { msgtype: 'markdown', markdown: { title: message.subject, text: `### ${message.subject}\n\n${message.body.split('\n').join('\n\n')}${mentions}` }, at }
          : { msgtype: 'text', text: { content: `${message.subject}\n${message.body}${mentions}` }, at };
      const url = config.secret ? dingTalkSignedUrl(config.webhookUrl, config.secret, now()) : config.webhookUrl;
      checkAnswer('DingTalk', await postJson(url, payload));
      return {};
    },
  };
}
