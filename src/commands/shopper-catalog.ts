/**
 * What simulated shoppers are made of: Chinese names (with pinyin for e-mail addresses), mobile numbers, member
 * cards, and a consumer-electronics and home-appliance catalogue with CNY prices.
 */

/** A product as the Segment e-commerce spec describes it. */
export interface Product {
  product_id: string;
  sku: string;
  category: string;
  name: string;
  price: number;
}

const products: [string, string, string, number][] = [
  ['电视', 'TV-55U8', '55 英寸 4K 智能电视', 3999],
  ['电视', 'TV-75M7', '75 英寸 Mini LED 电视', 8999],
  ['冰箱', 'RF-520W', '520 升 十字对开门冰箱', 5299],
  ['冰箱', 'RF-280S', '280 升 三门风冷冰箱', 2199],
  ['空调', 'AC-35GW', '1.5 匹 新一级能效变频挂机', 2899],
  ['空调', 'AC-72LW', '3 匹 立式柜机', 6499],
  ['洗衣机', 'WM-10D', '10 公斤 滚筒洗烘一体机', 3299],
  ['洗衣机', 'DR-09H', '9 公斤 热泵干衣机', 4599],
  ['手机', 'PH-X60', 'X60 5G 手机 256GB', 4299],
  ['手机', 'PH-N12', 'N12 手机 128GB', 1599],
  ['笔记本电脑', 'NB-A14', '14 英寸 轻薄笔记本', 5999],
  ['平板电脑', 'TB-P11', '11 英寸 平板电脑', 2499],
  ['厨房电器', 'KT-R30', '嵌入式 蒸烤一体机', 4999],
  ['厨房电器', 'KT-H90', '侧吸式 油烟机', 2799],
  ['小家电', 'SA-V10', '无线 吸尘器', 1999],
  ['小家电', 'SA-AP5', '空气净化器', 1299],
  ['小家电', 'SA-RC3', '扫地机器人', 2699],
  ['影音', 'AV-SB5', '家庭影院 回音壁', 1899],
  ['影音', 'AV-EP2', '降噪 蓝牙耳机', 899],
  ['服务', 'SV-EXT3', '延保 3 年', 399],
];

/** The catalogue. */
export const catalog: Product[] = products.map(([category, sku, name, price]) => ({ product_id: `prd_${sku.toLowerCase().replace('-', '')}`, sku, category, name, price }));

/** In-store services people book at the service desk. */
export const services = ['空调清洗', '空调安装', '家电以旧换新', '手机贴膜', '电视上门安装', '净水器滤芯更换', '笔记本清灰保养'];

const surnames: [string, string][] = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'], ['吴', 'wu'], ['周', 'zhou'],
  ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu'], ['郭', 'guo'], ['何', 'he'], ['高', 'gao'], ['林', 'lin'], ['罗', 'luo'],
];
const givenNames: [string, string][] = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['强', 'qiang'], ['磊', 'lei'], ['军', 'jun'], ['洋', 'yang'],
  ['勇', 'yong'], ['艳', 'yan'], ['杰', 'jie'], ['娟', 'juan'], ['涛', 'tao'], ['明', 'ming'], ['超', 'chao'], ['秀英', 'xiuying'], ['霞', 'xia'], ['平', 'ping'],
  ['浩然', 'haoran'], ['子涵', 'zihan'], ['梓萱', 'zixuan'], ['一诺', 'yinuo'], ['欣怡', 'xinyi'], ['宇轩', 'yuxuan'], ['思远', 'siyuan'], ['雨桐', 'yutong'],
];
const mobilePrefixes = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158', '159', '166', '176', '177', '178', '180', '181', '182', '185', '186', '187', '188', '189', '198', '199'];
const mailDomains = ['163.com', '126.com', 'sina.com', 'gmail.com', 'outlook.com', 'foxmail.com'];

/** A deterministic random source, so `--profiles N` plays the same people every run. */
export type Rand = () => number;

/** mulberry32: small, fast and good enough for a simulation. */
export function seededRandom(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of the list. */
export const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');

/** A simulated person: how each channel knows them. */
export interface Shopper {
  userId: string;
  name: string;
  email: string;
  /** As people type it: sometimes with +86 and spaces. */
  phone: string;
  memberCard: string;
  webAnonymousId: string;
  appDeviceId: string;
  wifiMac: string;
  /** Index of the home store in the simulator's store list. */
  homeStore: number;
}

/** The n-th simulated shopper, the same every run. */
export function shopperOf(n: number, stores: number): Shopper {
  const r = seededRandom(0x5_40_ee + n * 7919);
  const [family, familyPinyin] = pick(r, surnames);
  const [given, givenPinyin] = pick(r, givenNames);
  const mobile = `${pick(r, mobilePrefixes)}${digits(r, 8)}`;
  const style = r();
  const phone = style < 0.4 ? `+86${mobile}` : style < 0.7 ? `${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}` : mobile;
  const email = r() < 0.35 ? `${digits(r, 9)}@qq.com` : `${givenPinyin}.${familyPinyin}${Math.floor(r() * 100)}@${pick(r, mailDomains)}`;
  const hex = () => Math.floor(r() * 256).toString(16).padStart(2, '0');
  return {
    userId: `cust-${String(n + 1).padStart(7, '0')}`,
    name: `${family}${given}`,
    email,
    phone,
    memberCard: `MC${digits(r, 10)}`,
    webAnonymousId: `${hex()}${hex()}${hex()}${hex()}-${hex()}${hex()}-4${hex().slice(1)}${hex()}-a${hex().slice(1)}${hex()}-${digits(r, 12)}`,
    appDeviceId: `dev-${digits(r, 16)}`,
    wifiMac: Array.from({ length: 6 }, hex).join(':'),
    homeStore: Math.floor(r() * Math.max(1, stores)),
  };
}
