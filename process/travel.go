package process

import (
	"strings"
	"time"
)

// TravelProblems checks 出行信息 as a 外事处 would, against the stay from departure to return: a passport
// valid at least six months past the return (a permit to 港澳台 only for the stay), a visa and an
// insurance covering the whole stay. Each problem names its field. Dates not given are not checked.
func TravelProblems(travel Values, departure, back time.Time) map[string]string {
	out := map[string]string{}
	date := func(name string) (time.Time, bool) { return travel.Date(name) }
	label := func(name string) string { f, _ := FormFieldNamed(name); return f.Label }
	day := func(t time.Time) string { return t.Format("2006-01-02") }
	if expiry, ok := date("travelDocExpiry"); ok && !back.IsZero() {
		need, rule := back, "回国(入境)时间"
		if IsPassport(travel.Text("travelDocType")) {
			need, rule = back.AddDate(0, 6, 0), "回国(入境)时间后6个月"
		}
		if expiry.Before(need) {
			out["travelDocExpiry"] = label("travelDocExpiry") + " " + day(expiry) + " 早于" + rule + "（" + day(need) + "）"
		}
	}
	covers := func(fromName, toName string) {
		from, okFrom := date(fromName)
		to, okTo := date(toName)
		switch {
		case okFrom && okTo && to.Before(from):
			out[toName] = label(toName) + "应晚于" + label(fromName)
		case okFrom && !departure.IsZero() && from.After(departure):
			out[fromName] = label(fromName) + " " + day(from) + " 晚于出发日期（" + day(departure) + "），未覆盖整个在外期间"
		case okTo && !back.IsZero() && to.Before(back):
			out[toName] = label(toName) + " " + day(to) + " 早于回国(入境)时间（" + day(back) + "），未覆盖整个在外期间"
		}
	}
	covers("visaFrom", "visaTo")
	covers("insuranceFrom", "insuranceTo")
	if ret, ok := date("returnFlightDate"); ok {
		if out2, ok2 := date("outboundFlightDate"); ok2 && ret.Before(out2) {
			out["returnFlightDate"] = label("returnFlightDate") + "应晚于" + label("outboundFlightDate")
		}
	}
	return out
}

// IsPassport tells a passport from a permit (通行证) among TravelDocTypes.
func IsPassport(docType string) bool { return strings.HasSuffix(docType, "护照") }

// StayDeparture is when the stay begins: the outbound flight, else 行前出发时间, else 出国(境)时间.
func StayDeparture(form Values) time.Time {
	for _, name := range []string{"outboundFlightDate", "predepartureDate", "departureDate"} {
		if t, ok := form.Date(name); ok {
			return t
		}
	}
	return time.Time{}
}
