// What a row of each kind of DMS export can carry, and the column names DMSes use for it, so a first
// mapping is guessed from the header row; a store corrects it on the page and saves it as a preset.
import type { CellType } from './cells';

export const IMPORT_KINDS = ['VEHICLES', 'CUSTOMERS', 'HISTORY'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface ImportField {
  name: string;
  type: CellType;
  required?: boolean;
  /** Header names that mean this field, compared without case, spaces, underscores or brackets. */
  aliases: string[];
}

const customerId: ImportField = { name: 'customerId', type: 'code', aliases: ['客户编号', '客户代码', '客户ID', '客户号', 'DMS客户编号', 'customer no', 'customer number'] };

export const IMPORT_FIELDS: Record<ImportKind, ImportField[]> = {
  VEHICLES: [
    { name: 'vin', type: 'vin', required: true, aliases: ['车架号', 'VIN码', '车辆识别代号', '车辆识别号', '底盘号'] },
    { name: 'plate', type: 'plate', required: true, aliases: ['车牌号', '车牌', '车牌号码', 'license plate'] },
    { name: 'model', type: 'text', required: true, aliases: ['车型', '车型名称', '车系'] },
    { name: 'deliveryDate', type: 'date', required: true, aliases: ['交车日期', '购车日期', '销售日期', '开票日期', 'delivery date'] },
    { name: 'mileageKm', type: 'km', aliases: ['里程', '当前里程', '行驶里程', '公里数', 'mileage', 'odometer'] },
    { name: 'mileageRecordedOn', type: 'date', aliases: ['里程日期', '里程记录日期'] },
    { name: 'lastServiceDate', type: 'date', aliases: ['上次保养日期', '最近保养日期', '上次进厂日期', '最后保养日期', 'last service date'] },
    { name: 'lastServiceKm', type: 'km', aliases: ['上次保养里程', '最近保养里程', '最后保养里程', 'last service km'] },
    customerId,
    { name: 'customerName', type: 'text', aliases: ['客户姓名', '车主姓名', '车主', '客户名称', '客户', '姓名', 'customer name', 'owner'] },
    { name: 'customerPhone', type: 'phone', aliases: ['手机', '手机号', '手机号码', '联系电话', '电话', '客户电话', 'phone', 'mobile'] },
    { name: 'customerEmail', type: 'text', aliases: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail'] },
    { name: 'customerBirthday', type: 'monthDay', aliases: ['生日', '出生日期', 'birthday'] },
    { name: 'advisorId', type: 'code', aliases: ['服务顾问编号', '服务顾问'] },
    { name: 'salesConsultantId', type: 'code', aliases: ['销售顾问编号', '销售顾问'] },
    { name: 'salePriceCny', type: 'amount', aliases: ['成交价', '成交价格', '销售价格', '裸车价', '车价', 'sale price'] },
    { name: 'newCar', type: 'flag', aliases: ['本店新车', '新车', 'new car'] },
    { name: 'inspectionDate', type: 'date', aliases: ['年审日期', '年检日期', 'inspection date'] },
    { name: 'insuranceRenewalDate', type: 'date', aliases: ['保险到期日', '续保日期', '保险到期日期', 'insurance renewal date'] },
  ],
  CUSTOMERS: [
    customerId,
    { name: 'name', type: 'text', required: true, aliases: ['客户姓名', '姓名', '客户名称', '车主姓名', 'customer name'] },
    { name: 'phone', type: 'phone', required: true, aliases: ['手机', '手机号', '手机号码', '联系电话', '电话', 'mobile'] },
    { name: 'email', type: 'text', aliases: ['邮箱', '电子邮箱', '电子邮件', 'e-mail'] },
    { name: 'birthday', type: 'monthDay', aliases: ['生日', '出生日期'] },
  ],
  HISTORY: [
    { name: 'vin', type: 'vin', required: true, aliases: ['车架号', 'VIN码', '车辆识别代号', '底盘号'] },
    { name: 'repairOrderNo', type: 'code', required: true, aliases: ['工单号', '维修单号', '委托书号', '维修委托书号', '结算单号', 'repair order', 'ro no'] },
    { name: 'serviceDate', type: 'date', required: true, aliases: ['维修日期', '进厂日期', '结算日期', '服务日期', 'service date'] },
    { name: 'mileageKm', type: 'km', aliases: ['进厂里程', '里程', '行驶里程', 'mileage'] },
    { name: 'description', type: 'text', aliases: ['维修项目', '维修内容', '服务项目', '项目'] },
    { name: 'amountCny', type: 'amount', aliases: ['金额', '结算金额', '维修金额', '费用', 'amount'] },
  ],
};

/** Field → column of the file. */
export type Mapping = Record<string, string>;

const comparable = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[\s_()（）:：-]/g, '');

/** The mapping a header row suggests: a column named like the field (ours, as exported) or like one of its aliases. */
export function guessMapping(kind: ImportKind, headers: string[]): Mapping {
  const mapping: Mapping = {};
  const taken = new Set<string>();
  for (const field of IMPORT_FIELDS[kind]) {
    const names = [field.name, ...field.aliases].map(comparable);
    const column = headers.find((h) => !taken.has(h) && names.includes(comparable(h)));
    if (column) {
      mapping[field.name] = column;
      taken.add(column);
    }
  }
  return mapping;
}

export const fieldOf = (kind: ImportKind, name: string) => IMPORT_FIELDS[kind].find((f) => f.name === name);
