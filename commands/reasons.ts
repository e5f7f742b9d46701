// A refusal's reason in the language of the person who reads it. The checks word their reasons in English
// (the API's language, the logs', the audit's); a Chinese page shows them in Chinese: zod's own checks through
// zod's Chinese locale, the product's own reasons (schemas, workflow validators, booking rules) through this
// table. A reason shown beside its field leaves the field's name out: the label already says it.
import { z } from 'zod';

export type ReasonLang = 'zh' | 'en';

// [English reason, Chinese]; `$1`… are the pattern's groups. A reason not listed stays as it is.
const ZH: [RegExp, string][] = [
  [/^must not contain control characters$/, '不能包含控制字符'],
  [/^must not be empty$/, '不能为空'],
  [/^must have at least (\d+) characters$/, '至少 $1 个字'],
  [/^must have at most (\d+) characters$/, '最多 $1 个字'],
  [/^must be between the years (\d+) and (\d+)$/, '须在 $1 年至 $2 年之间'],
  [/^must be a calendar date YYYY-MM-DD$/, '须为日期（年-月-日）'],
  [/^(?:\w+ )?must be digits, spaces or dashes$/, '只能是数字、空格或短横线'],
  [/^(?:\w+ )?must be a phone number \((R\d+)\)$/, '须为电话号码（$1）'],
  [/^VIN must be 17 letters\/digits without I, O or Q$/, '车架号须为 17 位字母或数字（不含 I、O、Q）'],
  [/^birthday must be MM-DD$/, '生日须为 月-日（MM-DD）'],
  [/^(?:\w+ )?must be an ISO date-time$/, '须为日期时间'],
  [/^(?:\w+ )?must be in the future$/, '须为将来的时间'],
  [/^(?:\w+ )?must not be in the future$/, '不能是将来的时间'],
  [/^(?:\w+ )?must be within the last 24 hours$/, '须在最近 24 小时内'],
  [/^(?:\w+ )?must be before promisedReadyAt$/, '须早于承诺完工时间'],
  [/^(?:\w+ )?must be a whole number from (\d+) to (\d+)$/, '须为 $1 至 $2 的整数'],
  [/^(?:\w+ )?must be a non-negative amount$/, '须为不小于 0 的金额'],
  [/^(?:\w+ )?must be true or false$/, '须选择是或否'],
  [/^(?:\w+ )?must be between (\d+) and (\d+)$/, '须在 $1 至 $2 之间'],
  [/^bookedFor only goes with outcome BOOKED$/, '只有“已预约”才填预约时间'],
  [/^newBookedFor only goes with outcome RESCHEDULE$/, '只有“改约”才填改约时间'],
  [/^an unreachable customer cannot have told the mileage$/, '联系不上的客户不会告知里程'],
  [/^faultDescription must describe the need \((R\d+)\)$/, '须描述故障或需求（$1）'],
  [/^promiseMarginMinutes must leave time for the work before promisedReadyAt \((R\d+)\)$/, '预留时间过长，承诺完工前已没有作业时间（$1）'],
  [/^a delayed job needs newPromisedReadyAt$/, '会延误时须填写新的承诺完工时间'],
  [/^a cancellation needs its reason \((R\d+)\)$/, '取消预约须写明原因（$1）'],
  [/^(?:\w+ )?is required \(R10: the customer is told who\)$/, '必填（R10：要告诉客户由谁服务）'],
  [/^realReason must record what the customer said \((R\d+)\)$/, '须记录客户说的真实原因（$1）'],
  [/^a quality loss needs what happened \((R\d+)\)$/, '有质量损失须写明事故经过（$1）'],
  [/^items must list at least one additional item$/, '至少填写一个追加项目'],
  [/^every item needs a description$/, '每个项目都要写明内容'],
  [/^every item needs a non-negative priceCny$/, '每个项目都要有不小于 0 的价格'],
  [/^a correction needs its reason$/, '更正须写明原因'],
  [/^a correction of this lifecycle is already being applied$/, '此车辆的更正正在处理中'],
  [/^BACK_TO_CONFIRMATION is possible only for a confirmed booking before check-in .*; the vehicle is at (\w+)$/, '只有已确认、尚未接车的预约才能退回预约确认；车辆当前阶段：$1'],
  [/^(\w+) is not possible now: vehicle (\w+) is at stage (\w+), waiting for (.*)$/, '此步骤现在不可执行：车辆 $2 处于 $3 阶段，正在等待：$4'],
  [/^(\w+) is already being processed$/, '此步骤正在处理中'],
  [/^(\w+) is no longer possible: vehicle (\w+) has moved on$/, '此步骤已不可执行：车辆 $2 已进入下一阶段'],
  [/^no running lifecycle for VIN (\w+)$/, '车架号 $1 没有进行中的服务周期'],
  [/^this VIN is already registered; a manager can transfer it between stores$/, '此车架号已在其他门店登记；经理可在门店之间转移车辆'],
  [/^the vehicle's lifecycle was closed; register it again with reopen: true to reopen it$/, '此车辆的服务周期已关闭；勾选“重新开启”再登记即可'],
  [/^unknown store (\S+)$/, '没有门店 $1'],
  [/^you may register vehicles of your own store only$/, '只能登记本门店的车辆'],
  // Staff accounts (issue 16).
  [/^must be 2–64 lowercase letters, digits, '\.', '-' or '_', starting with a letter or digit$/, '须为 2–64 位小写字母、数字或 . - _，以字母或数字开头'],
  [/^must not be the staff id$/, '不能与员工编号相同'],
  [/^is not your current password$/, '与当前密码不符'],
  [/^must differ from the current password$/, '不能与当前密码相同'],
  [/^staff id (\S+) is taken$/, '员工编号 $1 已被使用'],
  [/^store (\S+) exists$/, '门店 $1 已存在'],
  [/^a (\w+) may not make someone a (\w+)$/, '您的角色不能授予此角色（$2）'],
  [/^a (\w+) may not manage the account of a (\w+)$/, '您的角色不能管理此角色（$2）的账号'],
  [/^you may not change your own role$/, '不能调整自己的角色'],
  [/^you may not disable yourself$/, '不能停用自己'],
  [/^must be an active sales consultant of store (\S+)$/, '须为门店 $1 在职的销售顾问'],
  [/^must be another sales consultant than the one whose customers move$/, '须为另一位销售顾问'],
  [/^(\S+) has no customers in store (\S+) to reassign$/, '$1 在门店 $2 没有可转交的客户'],
  [/^too many wrong current passwords; try again later$/, '当前密码错误次数过多，请稍后再试'],
  // Store set-up (issue 16).
  [/^must be a time of day HH:MM \(00:00–23:59\)$/, '须为时间 时:分（00:00–23:59）'],
  [/^must be a time of day HH:MM \(00:00–24:00\)$/, '须为时间 时:分（00:00–24:00）'],
  [/^a closed day has no opening hours$/, '休息日不填营业时间'],
  [/^is required on an open day$/, '营业日必填'],
  [/^must be after opensAt$/, '须晚于开门时间'],
  [/^must be after start$/, '须晚于上班时间'],
  [/^must list each weekday .*$/, '须列出周一至周日每天各一次'],
  [/^at least one weekday must be open .*$/, '每周至少要有一天营业（不设营业时间的门店按联系时间每天接受预约）'],
  [/^must be one of QUICK_SERVICE, GENERAL_REPAIR, BODY_PAINT$/, '须为快修、机修或钣喷之一'],
  [/^send name, kind or both$/, '请填写名称或类型'],
  [/^name at least one bay kind the technician works in$/, '至少选择一种技师能做的工位类型'],
  [/^lists a bay kind twice$/, '工位类型重复'],
  [/^one shift per weekday$/, '每天只能有一个班次'],
  [/^send skills, shifts or both$/, '请填写技能或班次'],
  [/^must be more than 0 and at most (\d+)$/, '须大于 0 且不超过 $1'],
  [/^lists a part twice$/, '配件重复'],
  [/^send at least one of .*$/, '请至少修改一项'],
  [/^has passed: the store's today is (.*)$/, '日期已过：门店今天是 $1'],
  [/^is already a closed day \((.*)\)$/, '已是休息日（$1）'],
  [/^another bay of this store is called (.*)$/, '本店已有名为 $1 的工位'],
  [/^is not an active technician \(role TECHNICIAN\) of store (.*)$/, '不是门店 $1 在职的维修技师'],
  [/^is in the workshop plan already$/, '已在车间计划中'],
  [/^no such part$/, '没有此配件'],
  // Corporate fleets (R25).
  [/^a fleet request must come at least (\d+) hours before the requested service time \((R\d+)\)$/, '车队预约须至少提前 $1 小时提出（$2）'],
  [/^name at least one contact person of the fleet$/, '至少填写一位车队联系人'],
  [/^name at least one vehicle of the fleet$/, '至少选择一辆车队车辆'],
  [/^another fleet of this store has this name$/, '本店已有同名车队'],
  [/^is already a vehicle of this fleet$/, '已是此车队的车辆'],
  [/^belongs to another fleet: detach it there first$/, '属于其他车队，请先从该车队移出'],
  [/^no vehicle (\S+) in store (\S+)$/, '门店 $2 没有车辆 $1'],
  [/^not vehicles of this fleet: (.*)$/, '不是此车队的车辆：$1'],
  [/^(\S+) is not a vehicle of fleet (\S+)$/, '$1 不是此车队的车辆'],
  [/^the fleet request is already answered$/, '此车队预约已答复'],
  [/^no fleet request (\S+)$/, '没有此车队预约'],
  [/^no fleet (\S+)$/, '没有此车队'],
];

/** The reason in `lang`; Chinese from the table, or as it is when the table has no entry. */
export function reasonIn(lang: ReasonLang, reason: string): string {
  if (lang === 'en') return reason;
  for (const [pattern, zh] of ZH) if (pattern.test(reason)) return reason.replace(pattern, zh);
  return reason;
}

const zodChinese = z.locales.zhCN().localeError;

/**
 * A schema issue in Chinese: the product's own wording through the table, zod's checks in zod's Chinese
 * (a regex check with the product's message keeps that message, never the raw pattern).
 */
export function issueInChinese(issue: z.core.$ZodIssue): string {
  const ours = reasonIn('zh', issue.message);
  if (ours !== issue.message || issue.code === 'custom' || (issue.code === 'invalid_format' && issue.format === 'regex')) return ours;
  const zh = zodChinese(issue as never);
  return typeof zh === 'string' ? zh : (zh?.message ?? issue.message);
}
