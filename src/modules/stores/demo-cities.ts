// The world of the fictional LeJia chain (乐家生活电器): its org tree, its markets, the malls and streets
// stores sit on, and the public holidays that change their hours. Pure data for demo-chain.ts.
import type { DemoSpecialHours, DemoUnit, StoreFormat } from './demo-chain.js';

// The chain's org tree above the stores: regions are geographic, business units group regions.
export const GROUP: DemoUnit = { code: 'GRP', name: '乐家集团', nameEn: 'LeJia Group', parentCode: null, kind: 'group' };
export const BUSINESS_UNITS: readonly DemoUnit[] = [
  { code: 'BU-NORTH', name: '北方事业部', nameEn: 'Northern Business Unit', parentCode: 'GRP', kind: 'business_unit' },
  { code: 'BU-EAST', name: '华东华中事业部', nameEn: 'East & Central Business Unit', parentCode: 'GRP', kind: 'business_unit' },
  { code: 'BU-SOUTH', name: '南方事业部', nameEn: 'Southern Business Unit', parentCode: 'GRP', kind: 'business_unit' },
];
export const REGIONS: readonly DemoUnit[] = [
  { code: 'R-NORTH', name: '华北大区', nameEn: 'North China', parentCode: 'BU-NORTH', kind: 'region' },
  { code: 'R-NORTHEAST', name: '东北大区', nameEn: 'Northeast China', parentCode: 'BU-NORTH', kind: 'region' },
  { code: 'R-NORTHWEST', name: '西北大区', nameEn: 'Northwest China', parentCode: 'BU-NORTH', kind: 'region' },
  { code: 'R-EAST', name: '华东大区', nameEn: 'East China', parentCode: 'BU-EAST', kind: 'region' },
  { code: 'R-CENTRAL', name: '华中大区', nameEn: 'Central China', parentCode: 'BU-EAST', kind: 'region' },
  { code: 'R-SOUTH', name: '华南大区', nameEn: 'South China', parentCode: 'BU-SOUTH', kind: 'region' },
  { code: 'R-SOUTHWEST', name: '西南大区', nameEn: 'Southwest China', parentCode: 'BU-SOUTH', kind: 'region' },
  { code: 'R-HKMO', name: '港澳大区', nameEn: 'Hong Kong & Macau', parentCode: 'BU-SOUTH', kind: 'region' },
];

/** A named place: a district, a mall or a street; `at` binds a mall or street to its district. */
export interface DemoPlace {
  zh: string;
  short: string;
  en: string;
  at?: string;
}

export interface DemoCity {
  name: string;
  nameEn: string;
  regionCode: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  dialCode: '+86' | '+852' | '+853';
  areaCode: string; // '' in Hong Kong and Macau, which have none
  localDigits: 7 | 8;
  weight: number; // relative number of stores
  addressPrefix: string; // province and city as an address starts: '广东省深圳市', '香港'
  radiusKm: number; // how far from the centre stores may lie
  districts: readonly DemoPlace[];
  malls?: readonly DemoPlace[];
  streets?: readonly DemoPlace[];
}

/** Parses 'zh[/short]:En[@district]|…'; the short form drops 区/县/街道 the way store names do. */
function places(spec: string): DemoPlace[] {
  return spec.split('|').map((entry) => {
    const [head = '', at] = entry.split('@');
    const [names = '', en = ''] = head.split(':');
    const [zh = '', short] = names.split('/');
    const place: DemoPlace = { zh, short: short ?? zh.replace(/(新区|街道|区|县|镇)$/, ''), en };
    if (at !== undefined) place.at = at;
    return place;
  });
}

interface CityExtras {
  timeZone?: string;
  dialCode?: DemoCity['dialCode'];
  localDigits?: 7 | 8;
  addressPrefix?: string;
  radiusKm?: number;
  malls?: string;
  streets?: string;
}

function city(
  name: string,
  nameEn: string,
  regionCode: string,
  latitude: number,
  longitude: number,
  areaCode: string,
  weight: number,
  province: string,
  districts: string,
  extras: CityExtras = {},
): DemoCity {
  const result: DemoCity = {
    name,
    nameEn,
    regionCode,
    latitude,
    longitude,
    timeZone: extras.timeZone ?? 'Asia/Shanghai',
    dialCode: extras.dialCode ?? '+86',
    areaCode,
    localDigits: extras.localDigits ?? 8,
    weight,
    addressPrefix: extras.addressPrefix ?? `${province}${name}市`,
    radiusKm: extras.radiusKm ?? 6,
    districts: places(districts),
  };
  if (extras.malls) result.malls = places(extras.malls);
  if (extras.streets) result.streets = places(extras.streets);
  return result;
}

const XINJIANG = 'Asia/Urumqi';

// Biggest markets first: the generator hands out stores in proportion to `weight`, so this order is
// also the order in which a small demo covers cities.

export const CITIES: readonly DemoCity[] = [
  city('北京', 'Beijing', 'R-NORTH', 39.9042, 116.4074, '10', 10, '', '朝阳区:Chaoyang|海淀区:Haidian|东城区:Dongcheng|西城区:Xicheng|丰台区:Fengtai|石景山区:Shijingshan|通州区:Tongzhou|昌平区:Changping|大兴区:Daxing|顺义区:Shunyi|房山区:Fangshan|门头沟区:Mentougou'),
  city('上海', 'Shanghai', 'R-EAST', 31.2304, 121.4737, '21', 10, '', '浦东新区:Pudong|黄浦区:Huangpu|徐汇区:Xuhui|长宁区:Changning|静安区:Jing\'an|普陀区:Putuo|虹口区:Hongkou|杨浦区:Yangpu|闵行区:Minhang|宝山区:Baoshan|嘉定区:Jiading|松江区:Songjiang|青浦区:Qingpu|奉贤区:Fengxian'),
  city('广州', 'Guangzhou', 'R-SOUTH', 23.1291, 113.2644, '20', 8, '广东省', '天河区:Tianhe|越秀区:Yuexiu|海珠区:Haizhu|荔湾区:Liwan|白云区:Baiyun|番禺区:Panyu|黄埔区:Huangpu|花都区:Huadu|南沙区:Nansha|增城区:Zengcheng'),
  city('深圳', 'Shenzhen', 'R-SOUTH', 22.5431, 114.0579, '755', 8, '广东省', '福田区:Futian|罗湖区:Luohu|南山区:Nanshan|宝安区:Bao\'an|龙岗区:Longgang|龙华区:Longhua|光明区:Guangming|坪山区:Pingshan|盐田区:Yantian'),
  city('成都', 'Chengdu', 'R-SOUTHWEST', 30.5728, 104.0668, '28', 7, '四川省', '锦江区:Jinjiang|青羊区:Qingyang|金牛区:Jinniu|武侯区:Wuhou|成华区:Chenghua|高新区:Gaoxin|双流区:Shuangliu|郫都区:Pidu|温江区:Wenjiang|新都区:Xindu|龙泉驿区:Longquanyi'),
  city('重庆', 'Chongqing', 'R-SOUTHWEST', 29.563, 106.5516, '23', 7, '', '渝中区:Yuzhong|江北区:Jiangbei|南岸区:Nan\'an|沙坪坝区:Shapingba|九龙坡区:Jiulongpo|渝北区:Yubei|北碚区:Beibei|巴南区:Banan|大渡口区:Dadukou'),
  city('杭州', 'Hangzhou', 'R-EAST', 30.2741, 120.1551, '571', 6, '浙江省', '上城区:Shangcheng|拱墅区:Gongshu|西湖区:Xihu|滨江区:Binjiang|萧山区:Xiaoshan|余杭区:Yuhang|临平区:Linping|钱塘区:Qiantang'),
  city('武汉', 'Wuhan', 'R-CENTRAL', 30.5928, 114.3055, '27', 6, '湖北省', '江汉区:Jianghan|江岸区:Jiang\'an|硚口区:Qiaokou|武昌区:Wuchang|洪山区:Hongshan|汉阳区:Hanyang|青山区:Qingshan|东西湖区:Dongxihu|江夏区:Jiangxia'),
  city('南京', 'Nanjing', 'R-EAST', 32.0603, 118.7969, '25', 5, '江苏省', '玄武区:Xuanwu|秦淮区:Qinhuai|建邺区:Jianye|鼓楼区:Gulou|栖霞区:Qixia|雨花台区:Yuhuatai|江宁区:Jiangning|浦口区:Pukou'),
  city('天津', 'Tianjin', 'R-NORTH', 39.0842, 117.2009, '22', 5, '', '和平区:Heping|河西区:Hexi|南开区:Nankai|河东区:Hedong|河北区:Hebei|红桥区:Hongqiao|滨海新区:Binhai|西青区:Xiqing|东丽区:Dongli|津南区:Jinnan'),
  city('西安', 'Xi\'an', 'R-NORTHWEST', 34.3416, 108.9398, '29', 5, '陕西省', '雁塔区:Yanta|碑林区:Beilin|新城区:Xincheng|莲湖区:Lianhu|未央区:Weiyang|灞桥区:Baqiao|长安区:Chang\'an'),
  city('苏州', 'Suzhou', 'R-EAST', 31.2989, 120.5853, '512', 5, '江苏省', '姑苏区:Gusu|工业园区/园区:SIP|虎丘区:Huqiu|吴中区:Wuzhong|相城区:Xiangcheng|吴江区:Wujiang'),
  city('长沙', 'Changsha', 'R-CENTRAL', 28.2282, 112.9388, '731', 5, '湖南省', '芙蓉区:Furong|天心区:Tianxin|岳麓区:Yuelu|开福区:Kaifu|雨花区:Yuhua|望城区:Wangcheng'),
  city('郑州', 'Zhengzhou', 'R-CENTRAL', 34.7466, 113.6253, '371', 5, '河南省', '金水区:Jinshui|中原区:Zhongyuan|二七区:Erqi|管城回族区/管城:Guancheng|惠济区:Huiji|郑东新区:Zhengdong'),
  city('东莞', 'Dongguan', 'R-SOUTH', 23.0207, 113.7518, '769', 4, '广东省', '南城街道:Nancheng|东城街道:Dongcheng|莞城街道:Guancheng|松山湖:Songshan Lake|长安镇:Chang\'an|虎门镇:Humen|厚街镇:Houjie'),
  city('青岛', 'Qingdao', 'R-EAST', 36.0671, 120.3826, '532', 4, '山东省', '市南区:Shinan|市北区:Shibei|李沧区:Licang|崂山区:Laoshan|黄岛区:Huangdao|城阳区:Chengyang'),
  city('沈阳', 'Shenyang', 'R-NORTHEAST', 41.8057, 123.4315, '24', 4, '辽宁省', '和平区:Heping|沈河区:Shenhe|皇姑区:Huanggu|铁西区:Tiexi|大东区:Dadong|浑南区:Hunnan|于洪区:Yuhong'),
  city('宁波', 'Ningbo', 'R-EAST', 29.8683, 121.544, '574', 4, '浙江省', '海曙区:Haishu|江北区:Jiangbei|鄞州区:Yinzhou|镇海区:Zhenhai|北仑区:Beilun'),
  city('合肥', 'Hefei', 'R-EAST', 31.8206, 117.2272, '551', 4, '安徽省', '蜀山区:Shushan|庐阳区:Luyang|包河区:Baohe|瑶海区:Yaohai|高新区:Gaoxin'),
  city('佛山', 'Foshan', 'R-SOUTH', 23.0218, 113.1219, '757', 4, '广东省', '禅城区:Chancheng|南海区:Nanhai|顺德区:Shunde|三水区:Sanshui|高明区:Gaoming'),
  city('昆明', 'Kunming', 'R-SOUTHWEST', 25.0389, 102.7183, '871', 3, '云南省', '五华区:Wuhua|盘龙区:Panlong|官渡区:Guandu|西山区:Xishan|呈贡区:Chenggong'),
  city('济南', 'Jinan', 'R-EAST', 36.6512, 117.1201, '531', 3, '山东省', '历下区:Lixia|市中区:Shizhong|槐荫区:Huaiyin|天桥区:Tianqiao|历城区:Licheng|长清区:Changqing'),
  city('福州', 'Fuzhou', 'R-EAST', 26.0745, 119.2965, '591', 3, '福建省', '鼓楼区:Gulou|台江区:Taijiang|仓山区:Cangshan|晋安区:Jin\'an|马尾区:Mawei'),
  city('厦门', 'Xiamen', 'R-EAST', 24.4798, 118.0894, '592', 3, '福建省', '思明区:Siming|湖里区:Huli|集美区:Jimei|海沧区:Haicang|同安区:Tong\'an|翔安区:Xiang\'an', { localDigits: 7 }),
  city('哈尔滨', 'Harbin', 'R-NORTHEAST', 45.8038, 126.535, '451', 3, '黑龙江省', '道里区:Daoli|南岗区:Nangang|道外区:Daowai|香坊区:Xiangfang|松北区:Songbei|平房区:Pingfang'),
  city('大连', 'Dalian', 'R-NORTHEAST', 38.914, 121.6147, '411', 3, '辽宁省', '中山区:Zhongshan|西岗区:Xigang|沙河口区:Shahekou|甘井子区:Ganjingzi|金州区:Jinzhou|旅顺口区:Lushunkou'),
  city('无锡', 'Wuxi', 'R-EAST', 31.4912, 120.3119, '510', 3, '江苏省', '梁溪区:Liangxi|滨湖区:Binhu|新吴区:Xinwu|惠山区:Huishan|锡山区:Xishan'),
  city('长春', 'Changchun', 'R-NORTHEAST', 43.8171, 125.3235, '431', 3, '吉林省', '朝阳区:Chaoyang|南关区:Nanguan|宽城区:Kuancheng|二道区:Erdao|绿园区:Luyuan|高新区:Gaoxin'),
  city('石家庄', 'Shijiazhuang', 'R-NORTH', 38.0428, 114.5149, '311', 3, '河北省', '长安区:Chang\'an|桥西区:Qiaoxi|新华区:Xinhua|裕华区:Yuhua|高新区:Gaoxin'),
  city('南宁', 'Nanning', 'R-SOUTH', 22.817, 108.3665, '771', 3, '广西壮族自治区', '青秀区:Qingxiu|兴宁区:Xingning|江南区:Jiangnan|西乡塘区:Xixiangtang|良庆区:Liangqing'),
  city('南昌', 'Nanchang', 'R-CENTRAL', 28.682, 115.8579, '791', 3, '江西省', '东湖区:Donghu|西湖区:Xihu|青山湖区:Qingshanhu|红谷滩区:Honggutan|青云谱区:Qingyunpu'),
  city('贵阳', 'Guiyang', 'R-SOUTHWEST', 26.647, 106.6302, '851', 3, '贵州省', '南明区:Nanming|云岩区:Yunyan|观山湖区:Guanshanhu|花溪区:Huaxi|白云区:Baiyun'),
  city('太原', 'Taiyuan', 'R-NORTH', 37.8706, 112.5489, '351', 3, '山西省', '小店区:Xiaodian|迎泽区:Yingze|杏花岭区:Xinghualing|万柏林区:Wanbailin|尖草坪区:Jiancaoping'),
  city('香港', 'Hong Kong', 'R-HKMO', 22.3193, 114.1694, '', 2, '', '铜锣湾:Causeway Bay|旺角:Mong Kok|尖沙咀:Tsim Sha Tsui|中环:Central|沙田:Sha Tin|观塘:Kwun Tong|九龙湾:Kowloon Bay|荃湾:Tsuen Wan|元朗:Yuen Long|屯门:Tuen Mun|将军澳:Tseung Kwan O', {
    timeZone: 'Asia/Hong_Kong', dialCode: '+852', addressPrefix: '香港', radiusKm: 4,
    malls: '时代广场:Times Square@铜锣湾|希慎广场:Hysan Place@铜锣湾|朗豪坊:Langham Place@旺角|海港城:Harbour City@尖沙咀|国际金融中心商场:IFC Mall@中环|新城市广场:New Town Plaza@沙田|APM:apm@观塘|德福广场:Telford Plaza@九龙湾|MegaBox:MegaBox@九龙湾|荃新天地:Citywalk@荃湾|形点:YOHO Mall@元朗|屯门市广场:Tuen Mun Town Plaza@屯门|新都城中心:Metro City Plaza@将军澳',
    streets: '轩尼诗道:Hennessy Road@铜锣湾|怡和街:Yee Wo Street@铜锣湾|弥敦道:Nathan Road@旺角|西洋菜南街:Sai Yeung Choi Street South@旺角|亚皆老街:Argyle Street@旺角|弥敦道:Nathan Road@尖沙咀|广东道:Canton Road@尖沙咀|加连威老道:Granville Road@尖沙咀|皇后大道中:Queen\'s Road Central@中环|德辅道中:Des Voeux Road Central@中环|沙田正街:Sha Tin Centre Street@沙田|开源道:Hoi Yuen Road@观塘|观塘道:Kwun Tong Road@观塘|宏照道:Wang Chiu Road@九龙湾|沙咀道:Sha Tsui Road@荃湾|教育路:Kau Yuk Road@元朗|屯门乡事会路:Tuen Mun Heung Sze Wui Road@屯门|唐德街:Tong Tak Street@将军澳',
  }),
  city('温州', 'Wenzhou', 'R-EAST', 27.9938, 120.6994, '577', 2, '浙江省', '鹿城区:Lucheng|龙湾区:Longwan|瓯海区:Ouhai'),
  city('泉州', 'Quanzhou', 'R-EAST', 24.8741, 118.6757, '595', 2, '福建省', '丰泽区:Fengze|鲤城区:Licheng|洛江区:Luojiang'),
  city('常州', 'Changzhou', 'R-EAST', 31.8107, 119.974, '519', 2, '江苏省', '天宁区:Tianning|钟楼区:Zhonglou|新北区:Xinbei|武进区:Wujin'),
  city('南通', 'Nantong', 'R-EAST', 31.9802, 120.8943, '513', 2, '江苏省', '崇川区:Chongchuan|通州区:Tongzhou|经济技术开发区/开发区:ETDZ'),
  city('徐州', 'Xuzhou', 'R-EAST', 34.2044, 117.2859, '516', 2, '江苏省', '鼓楼区:Gulou|云龙区:Yunlong|泉山区:Quanshan|铜山区:Tongshan'),
  city('烟台', 'Yantai', 'R-EAST', 37.4638, 121.4479, '535', 2, '山东省', '芝罘区:Zhifu|莱山区:Laishan|福山区:Fushan|牟平区:Muping'),
  city('潍坊', 'Weifang', 'R-EAST', 36.7069, 119.1618, '536', 2, '山东省', '奎文区:Kuiwen|潍城区:Weicheng|坊子区:Fangzi|寒亭区:Hanting'),
  city('绍兴', 'Shaoxing', 'R-EAST', 30.0303, 120.5802, '575', 2, '浙江省', '越城区:Yuecheng|柯桥区:Keqiao|上虞区:Shangyu'),
  city('嘉兴', 'Jiaxing', 'R-EAST', 30.7461, 120.7555, '573', 2, '浙江省', '南湖区:Nanhu|秀洲区:Xiuzhou|经济技术开发区/开发区:ETDZ'),
  city('金华', 'Jinhua', 'R-EAST', 29.079, 119.6474, '579', 2, '浙江省', '婺城区:Wucheng|金东区:Jindong'),
  city('乌鲁木齐', 'Urumqi', 'R-NORTHWEST', 43.8256, 87.6168, '991', 2, '新疆维吾尔自治区', '天山区:Tianshan|沙依巴克区:Saybag|新市区:Xinshi|水磨沟区:Shuimogou|米东区:Midong', { timeZone: XINJIANG }),
  city('兰州', 'Lanzhou', 'R-NORTHWEST', 36.0611, 103.8343, '931', 2, '甘肃省', '城关区:Chengguan|七里河区:Qilihe|安宁区:Anning|西固区:Xigu'),
  city('惠州', 'Huizhou', 'R-SOUTH', 23.1115, 114.4162, '752', 2, '广东省', '惠城区:Huicheng|惠阳区:Huiyang|仲恺高新区/仲恺:Zhongkai'),
  city('珠海', 'Zhuhai', 'R-SOUTH', 22.271, 113.5767, '756', 2, '广东省', '香洲区:Xiangzhou|金湾区:Jinwan|斗门区:Doumen|横琴新区:Hengqin'),
  city('中山', 'Zhongshan', 'R-SOUTH', 22.5176, 113.3928, '760', 2, '广东省', '石岐街道:Shiqi|东区街道:Dongqu|西区街道:Xiqu|火炬开发区/火炬:Huoju'),
  city('海口', 'Haikou', 'R-SOUTH', 20.044, 110.1999, '898', 2, '海南省', '龙华区:Longhua|美兰区:Meilan|秀英区:Xiuying|琼山区:Qiongshan'),
  city('洛阳', 'Luoyang', 'R-CENTRAL', 34.6197, 112.454, '379', 2, '河南省', '涧西区:Jianxi|西工区:Xigong|老城区:Laocheng|洛龙区:Luolong'),
  city('唐山', 'Tangshan', 'R-NORTH', 39.6309, 118.1802, '315', 2, '河北省', '路北区:Lubei|路南区:Lunan|开平区:Kaiping|丰润区:Fengrun'),
  city('保定', 'Baoding', 'R-NORTH', 38.8739, 115.4646, '312', 2, '河北省', '竞秀区:Jingxiu|莲池区:Lianchi|满城区:Mancheng|清苑区:Qingyuan'),
  city('呼和浩特', 'Hohhot', 'R-NORTH', 40.8426, 111.7492, '471', 2, '内蒙古自治区', '新城区:Xincheng|回民区:Huimin|赛罕区:Saihan|玉泉区:Yuquan'),
  city('芜湖', 'Wuhu', 'R-EAST', 31.3526, 118.4331, '553', 1, '安徽省', '镜湖区:Jinghu|弋江区:Yijiang|鸠江区:Jiujiang'),
  city('包头', 'Baotou', 'R-NORTH', 40.6574, 109.8403, '472', 1, '内蒙古自治区', '昆都仑区:Kundulun|青山区:Qingshan|东河区:Donghe|九原区:Jiuyuan'),
  city('吉林', 'Jilin', 'R-NORTHEAST', 43.8378, 126.5496, '432', 1, '吉林省', '船营区:Chuanying|昌邑区:Changyi|丰满区:Fengman|龙潭区:Longtan'),
  city('大庆', 'Daqing', 'R-NORTHEAST', 46.5907, 125.1037, '459', 1, '黑龙江省', '萨尔图区:Sartu|让胡路区:Ranghulu|龙凤区:Longfeng|红岗区:Honggang'),
  city('鞍山', 'Anshan', 'R-NORTHEAST', 41.1087, 122.9946, '412', 1, '辽宁省', '铁东区:Tiedong|铁西区:Tiexi|立山区:Lishan|千山区:Qianshan'),
  city('银川', 'Yinchuan', 'R-NORTHWEST', 38.4872, 106.2309, '951', 1, '宁夏回族自治区', '兴庆区:Xingqing|金凤区:Jinfeng|西夏区:Xixia', { localDigits: 7 }),
  city('西宁', 'Xining', 'R-NORTHWEST', 36.6171, 101.7782, '971', 1, '青海省', '城东区:Chengdong|城中区:Chengzhong|城西区:Chengxi|城北区:Chengbei', { localDigits: 7 }),
  city('喀什', 'Kashgar', 'R-NORTHWEST', 39.4704, 75.9898, '998', 1, '', '喀什市/:', { timeZone: XINJIANG, localDigits: 7, addressPrefix: '新疆维吾尔自治区喀什地区', radiusKm: 4 }),
  city('库尔勒', 'Korla', 'R-NORTHWEST', 41.7259, 86.1746, '996', 1, '', '库尔勒市/:', { timeZone: XINJIANG, localDigits: 7, addressPrefix: '新疆维吾尔自治区巴音郭楞蒙古自治州', radiusKm: 4 }),
  city('宝鸡', 'Baoji', 'R-NORTHWEST', 34.3619, 107.2374, '917', 1, '陕西省', '渭滨区:Weibin|金台区:Jintai|陈仓区:Chencang'),
  city('襄阳', 'Xiangyang', 'R-CENTRAL', 32.009, 112.1224, '710', 1, '湖北省', '樊城区:Fancheng|襄城区:Xiangcheng|襄州区:Xiangzhou'),
  city('宜昌', 'Yichang', 'R-CENTRAL', 30.6919, 111.2865, '717', 1, '湖北省', '西陵区:Xiling|伍家岗区:Wujiagang|夷陵区:Yiling|点军区:Dianjun'),
  city('株洲', 'Zhuzhou', 'R-CENTRAL', 27.8274, 113.134, '731', 1, '湖南省', '天元区:Tianyuan|芦淞区:Lusong|荷塘区:Hetang|石峰区:Shifeng'),
  city('岳阳', 'Yueyang', 'R-CENTRAL', 29.357, 113.1289, '730', 1, '湖南省', '岳阳楼区:Yueyanglou|君山区:Junshan|经济技术开发区/开发区:ETDZ'),
  city('衡阳', 'Hengyang', 'R-CENTRAL', 26.8934, 112.572, '734', 1, '湖南省', '蒸湘区:Zhengxiang|雁峰区:Yanfeng|石鼓区:Shigu|珠晖区:Zhuhui'),
  city('南阳', 'Nanyang', 'R-CENTRAL', 32.9907, 112.5283, '377', 1, '河南省', '卧龙区:Wolong|宛城区:Wancheng'),
  city('汕头', 'Shantou', 'R-SOUTH', 23.3541, 116.682, '754', 1, '广东省', '龙湖区:Longhu|金平区:Jinping|濠江区:Haojiang|澄海区:Chenghai'),
  city('江门', 'Jiangmen', 'R-SOUTH', 22.5787, 113.0819, '750', 1, '广东省', '蓬江区:Pengjiang|江海区:Jianghai|新会区:Xinhui'),
  city('柳州', 'Liuzhou', 'R-SOUTH', 24.3255, 109.4155, '772', 1, '广西壮族自治区', '城中区:Chengzhong|鱼峰区:Yufeng|柳南区:Liunan|柳北区:Liubei'),
  city('桂林', 'Guilin', 'R-SOUTH', 25.2736, 110.29, '773', 1, '广西壮族自治区', '秀峰区:Xiufeng|七星区:Qixing|象山区:Xiangshan|叠彩区:Diecai'),
  city('三亚', 'Sanya', 'R-SOUTH', 18.2528, 109.5119, '898', 1, '海南省', '吉阳区:Jiyang|天涯区:Tianya|海棠区:Haitang'),
  city('绵阳', 'Mianyang', 'R-SOUTHWEST', 31.4675, 104.6796, '816', 1, '四川省', '涪城区:Fucheng|游仙区:Youxian|安州区:Anzhou'),
  city('遵义', 'Zunyi', 'R-SOUTHWEST', 27.7254, 106.9272, '851', 1, '贵州省', '红花岗区:Honghuagang|汇川区:Huichuan|播州区:Bozhou'),
  city('拉萨', 'Lhasa', 'R-SOUTHWEST', 29.6525, 91.1721, '891', 1, '西藏自治区', '城关区:Chengguan|堆龙德庆区:Duilongdeqing|达孜区:Dazi', { localDigits: 7 }),
  city('宜宾', 'Yibin', 'R-SOUTHWEST', 28.7513, 104.6433, '831', 1, '四川省', '翠屏区:Cuiping|叙州区:Xuzhou|南溪区:Nanxi'),
  city('南充', 'Nanchong', 'R-SOUTHWEST', 30.8373, 106.1106, '817', 1, '四川省', '顺庆区:Shunqing|高坪区:Gaoping|嘉陵区:Jialing'),
  city('曲靖', 'Qujing', 'R-SOUTHWEST', 25.49, 103.7962, '874', 1, '云南省', '麒麟区:Qilin|沾益区:Zhanyi|马龙区:Malong'),
  city('澳门', 'Macau', 'R-HKMO', 22.1987, 113.5439, '', 1, '', '新口岸:NAPE|大堂:Se|高士德:Horta e Costa|黑沙环:Areia Preta|氹仔:Taipa|路氹:Cotai', {
    timeZone: 'Asia/Macau', dialCode: '+853', addressPrefix: '澳门', radiusKm: 2.5,
    malls: '新八佰伴:New Yaohan@新口岸|壹号广场:One Central@新口岸|威尼斯人购物中心:Shoppes at Venetian@路氹|巴黎人购物中心:Shoppes at Parisian@路氹|银河时尚汇:Galaxy Promenade@路氹',
    streets: '新马路:Avenida de Almeida Ribeiro@大堂|南湾大马路:Avenida da Praia Grande@大堂|水坑尾街:Rua do Campo@大堂|友谊大马路:Avenida da Amizade@新口岸|罗理基博士大马路:Avenida do Dr. Rodrigo Rodrigues@新口岸|高士德大马路:Avenida de Horta e Costa@高士德|黑沙环中街:Rua Central da Areia Preta@黑沙环|官也街:Rua do Cunha@氹仔|成都街:Rua de Chengdu@氹仔|路氹连贯公路:Estrada do Istmo@路氹',
  }),
];

/** Mall brands found across mainland cities, so any district can plausibly host one. */
export const MAINLAND_MALLS: readonly DemoPlace[] = places(
  '万达广场:Wanda Plaza|吾悦广场:Wuyue Plaza|万象城:MixC|万象汇:MixC World|大悦城:Joy City|龙湖天街:Longfor Paradise Walk|银泰城:Intime City|凯德广场:CapitaMall|印象城:InCity|宝龙广场:Powerlong Plaza|爱琴海购物公园:Aegean Shopping Park|万科广场:Vanke Plaza|永旺梦乐城:AEON Mall|合生汇:Hopson One|来福士:Raffles City|王府井百货:Wangfujing Department Store|天虹购物中心:Rainbow Mall|新世界百货:New World Department Store|金鹰购物中心:Golden Eagle|世纪金源购物中心:Century Golden Resources Mall|荟聚:Livat|环球港:Global Harbor|中骏世界城:SCE World City|华润万象天地:MixC Land',
);

const ROAD_ROOTS = places(
  '人民:Renmin|解放:Jiefang|中山:Zhongshan|建设:Jianshe|和平:Heping|新华:Xinhua|文化:Wenhua|胜利:Shengli|东风:Dongfeng|青年:Qingnian|光明:Guangming|幸福:Xingfu|健康:Jiankang|学府:Xuefu|工业:Gongye|民主:Minzhu|团结:Tuanjie|友谊:Youyi|花园:Huayuan|公园:Gongyuan|体育:Tiyu|育才:Yucai|振兴:Zhenxing|长江:Changjiang|黄河:Huanghe|滨江:Binjiang|滨河:Binhe|迎宾:Yingbin|站前:Zhanqian|环城:Huancheng|朝阳:Chaoyang|北京:Beijing|南京:Nanjing|上海:Shanghai|延安:Yan\'an|长安:Chang\'an|金桥:Jinqiao|富强:Fuqiang|繁荣:Fanrong|兴业:Xingye',
);
const ROAD_SIDES = places(':|东:East|西:West|南:South|北:North|中:Middle');
const AVENUES = places(
  '世纪大道:Century Avenue|发展大道:Fazhan Avenue|迎宾大道:Yingbin Avenue|新城大道:Xincheng Avenue|滨江大道:Binjiang Avenue|科技大道:Keji Avenue|创新大道:Chuangxin Avenue|人民大道:Renmin Avenue',
);

/** Street names common to mainland cities (人民东路, 建设路, 世纪大道 …). */
export const MAINLAND_STREETS: readonly DemoPlace[] = [
  ...ROAD_ROOTS.flatMap((root) =>
    ROAD_SIDES.map((side) => {
      const zh = `${root.zh}${side.zh}路`;
      return { zh, short: zh, en: [root.en, side.en, 'Road'].filter(Boolean).join(' ') };
    }),
  ),
  ...AVENUES,
];

/** A public holiday as special hours; `chance` is how often a store publishes them. */
export interface HolidayPlan {
  year: number;
  entries: (format: StoreFormat) => DemoSpecialHours[];
  chance: number;
}

function specialDay(startDate: string, endDate: string, note: string, hours?: readonly [string, string]): DemoSpecialHours {
  return hours ? { startDate, endDate, closed: false, opens: hours[0], closes: hours[1], note } : { startDate, endDate, closed: true, note };
}

function springFestival(year: number, eve: string, first: string, from: string, to: string): HolidayPlan {
  return {
    year,
    chance: 0.7,
    entries: () => [
      specialDay(eve, eve, '除夕提前打烊', ['10:00', '17:00']),
      specialDay(first, first, '春节（正月初一）闭店'),
      specialDay(from, to, '春节假期缩短营业时间', ['10:00', '20:00']),
    ],
  };
}

// Golden weeks are peak sales for appliances: flagships stay open longer, small shops give staff a rest.
function goldenWeek(year: number, from: string, to: string, holiday: string): HolidayPlan {
  return {
    year,
    chance: 0.3,
    entries: (format) => [
      format === 'flagship'
        ? specialDay(from, to, `${holiday}黄金周延长营业`, ['09:30', '22:30'])
        : specialDay(from, to, `${holiday}假期营业时间调整`, format === 'compact' ? ['10:00', '20:00'] : ['10:00', '21:00']),
    ],
  };
}

function lunarNewYearSar(year: number, first: string, from: string, to: string): HolidayPlan {
  return {
    year,
    chance: 0.8,
    entries: () => [specialDay(first, first, '农历年初一休息'), specialDay(from, to, '农历新年缩短营业时间', ['12:00', '20:00'])],
  };
}

// 2026 dates are the State Council's; 2027 assumes the usual pattern (春节 Feb 6–12, 劳动节 May 1–5,
// 国庆 Oct 1–7) until its notice is out. Plans never overlap, so any subset is a valid store calendar.
export const MAINLAND_HOLIDAYS: readonly HolidayPlan[] = [
  springFestival(2026, '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-23'),
  goldenWeek(2026, '2026-05-01', '2026-05-05', '劳动节'),
  goldenWeek(2026, '2026-10-01', '2026-10-07', '国庆'),
  springFestival(2027, '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-12'),
  goldenWeek(2027, '2027-05-01', '2027-05-05', '劳动节'),
  goldenWeek(2027, '2027-10-01', '2027-10-07', '国庆'),
];
export const SAR_HOLIDAYS: readonly HolidayPlan[] = [
  lunarNewYearSar(2026, '2026-02-17', '2026-02-18', '2026-02-19'),
  lunarNewYearSar(2027, '2027-02-06', '2027-02-07', '2027-02-08'),
];

/** Closures of a temporarily closed store; they fall between the golden week and Spring Festival. */
export const RENOVATIONS: readonly DemoSpecialHours[] = [
  ['2026-11-02', '2026-12-15'],
  ['2026-11-16', '2026-12-31'],
  ['2026-12-01', '2027-01-20'],
].map(([from = '', to = '']) => specialDay(from, to, '门店升级改造，暂停营业'));
