package process

// Place is a country or region of GB/T 2659 (the letters of ISO 3166-1), with the name the
// university's statistics use. 港澳台 are 地区, reported apart from 出国 (赴港澳台).
type Place struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	Continent string `json:"continent"`
	// Region marks 香港、澳门、台湾: 地区, travelled to with a 通行证, counted as 赴港澳台.
	Region bool `json:"region,omitempty"`
}

// Continents, in the order the statistics list them.
var Continents = []string{"亚洲", "欧洲", "北美洲", "南美洲", "大洋洲", "非洲"}

// Places are the countries and regions a project may name, the ones a university's exchanges
// reach; a code not here is refused, so that statistics by country are exact.
var Places = []Place{
	{"HK", "中国香港", "亚洲", true}, {"MO", "中国澳门", "亚洲", true}, {"TW", "中国台湾", "亚洲", true},
	{"JP", "日本", "亚洲", false}, {"KR", "韩国", "亚洲", false}, {"SG", "新加坡", "亚洲", false},
	{"MY", "马来西亚", "亚洲", false}, {"TH", "泰国", "亚洲", false}, {"VN", "越南", "亚洲", false},
	{"ID", "印度尼西亚", "亚洲", false}, {"PH", "菲律宾", "亚洲", false}, {"KH", "柬埔寨", "亚洲", false},
	{"LA", "老挝", "亚洲", false}, {"MM", "缅甸", "亚洲", false}, {"BN", "文莱", "亚洲", false},
	{"MN", "蒙古", "亚洲", false}, {"IN", "印度", "亚洲", false}, {"PK", "巴基斯坦", "亚洲", false},
	{"BD", "孟加拉国", "亚洲", false}, {"LK", "斯里兰卡", "亚洲", false}, {"NP", "尼泊尔", "亚洲", false},
	{"KZ", "哈萨克斯坦", "亚洲", false}, {"UZ", "乌兹别克斯坦", "亚洲", false}, {"KG", "吉尔吉斯斯坦", "亚洲", false},
	{"AE", "阿拉伯联合酋长国", "亚洲", false}, {"SA", "沙特阿拉伯", "亚洲", false}, {"QA", "卡塔尔", "亚洲", false},
	{"IL", "以色列", "亚洲", false}, {"TR", "土耳其", "亚洲", false}, {"IR", "伊朗", "亚洲", false},
	{"GB", "英国", "欧洲", false}, {"IE", "爱尔兰", "欧洲", false}, {"FR", "法国", "欧洲", false},
	{"DE", "德国", "欧洲", false}, {"NL", "荷兰", "欧洲", false}, {"BE", "比利时", "欧洲", false},
	{"LU", "卢森堡", "欧洲", false}, {"CH", "瑞士", "欧洲", false}, {"AT", "奥地利", "欧洲", false},
	{"IT", "意大利", "欧洲", false}, {"ES", "西班牙", "欧洲", false}, {"PT", "葡萄牙", "欧洲", false},
	{"GR", "希腊", "欧洲", false}, {"DK", "丹麦", "欧洲", false}, {"SE", "瑞典", "欧洲", false},
	{"NO", "挪威", "欧洲", false}, {"FI", "芬兰", "欧洲", false}, {"IS", "冰岛", "欧洲", false},
	{"PL", "波兰", "欧洲", false}, {"CZ", "捷克", "欧洲", false}, {"SK", "斯洛伐克", "欧洲", false},
	{"HU", "匈牙利", "欧洲", false}, {"RO", "罗马尼亚", "欧洲", false}, {"BG", "保加利亚", "欧洲", false},
	{"RS", "塞尔维亚", "欧洲", false}, {"HR", "克罗地亚", "欧洲", false}, {"SI", "斯洛文尼亚", "欧洲", false},
	{"EE", "爱沙尼亚", "欧洲", false}, {"LV", "拉脱维亚", "欧洲", false}, {"LT", "立陶宛", "欧洲", false},
	{"BY", "白俄罗斯", "欧洲", false}, {"UA", "乌克兰", "欧洲", false}, {"RU", "俄罗斯", "欧洲", false},
	{"MT", "马耳他", "欧洲", false}, {"CY", "塞浦路斯", "欧洲", false}, {"MC", "摩纳哥", "欧洲", false},
	{"US", "美国", "北美洲", false}, {"CA", "加拿大", "北美洲", false}, {"MX", "墨西哥", "北美洲", false},
	{"CU", "古巴", "北美洲", false}, {"CR", "哥斯达黎加", "北美洲", false}, {"PA", "巴拿马", "北美洲", false},
	{"BR", "巴西", "南美洲", false}, {"AR", "阿根廷", "南美洲", false}, {"CL", "智利", "南美洲", false},
	{"PE", "秘鲁", "南美洲", false}, {"CO", "哥伦比亚", "南美洲", false}, {"UY", "乌拉圭", "南美洲", false},
	{"EC", "厄瓜多尔", "南美洲", false}, {"VE", "委内瑞拉", "南美洲", false},
	{"AU", "澳大利亚", "大洋洲", false}, {"NZ", "新西兰", "大洋洲", false}, {"FJ", "斐济", "大洋洲", false},
	{"EG", "埃及", "非洲", false}, {"ZA", "南非", "非洲", false}, {"KE", "肯尼亚", "非洲", false},
	{"ET", "埃塞俄比亚", "非洲", false}, {"NG", "尼日利亚", "非洲", false}, {"MA", "摩洛哥", "非洲", false},
	{"TZ", "坦桑尼亚", "非洲", false}, {"GH", "加纳", "非洲", false}, {"SN", "塞内加尔", "非洲", false},
	{"TN", "突尼斯", "非洲", false}, {"DZ", "阿尔及利亚", "非洲", false}, {"MU", "毛里求斯", "非洲", false},
}

var placeByCode = func() map[string]Place {
	m := make(map[string]Place, len(Places))
	for _, p := range Places {
		m[p.Code] = p
	}
	return m
}()

// PlaceOf is the place of a code, and whether the code is one.
func PlaceOf(code string) (Place, bool) {
	p, ok := placeByCode[code]
	return p, ok
}

// TravelKind is what the statistics report a stay as: 出国 or 赴港澳台.
func (p Place) TravelKind() string {
	if p.Region {
		return TravelRegion
	}
	return TravelAbroad
}

// The two kinds of travel the statistics report apart.
const (
	TravelAbroad = "出国"
	TravelRegion = "赴港澳台"
)
