package demo

import "github.com/camket/camket/pkg/domain"

// roundPeriod is the period of the demo's commitment round.
const roundPeriod = "2021-Q2"

// endOfRound is the effective date of the round's final reports.
const endOfRound = "30/06/2021"

// The verified completion of each unit at the end of 2021-Q2, by design
// (Σ weight achieved ÷ Σ weight; ✗ = indicators missed):
//
//	unit         indicators  weights            achieved  completion  band
//	CAT          8           online 2, rest 1   9/9       100%        100%
//	BHXH         8           online 2, late 2   10/10     100%        100%
//	SNV          10          all 1              9/10      90%         above 85%
//	STP          7           all 1              6/7       85.71%      above 85%
//	STC          8           online 2           8/9       88.88%      above 85%
//	SKHDT        10          online 2, late 2   11/12     91.66%      above 85%
//	STTTT        9           all 1              8/9       88.88%      above 85%
//	SYT          10          online 2           10/11     90.90%      above 85%
//	SCT          8           online 2, late 2   9/10      90%         above 85%
//	UBND-VY      10          three at 2         12/13     92.30%      above 85%
//	UBND-PY      7           online 2           7/8       87.5%       above 85%
//	SGDDT        10          1–3 (sum 20)       17/20     85% exactly 50–85%
//	SLDTBXH      5           all 1              4/5       80%         50–85%
//	SNNPTNT      8           all 1              6/8       75%         50–85%
//	UBND-VT      9           online 2           7/10      70%         50–85%
//	SXD          6           all 1              4/6       66.66%      50–85%
//	STNMT        8           all 1              4/8       50% exactly 50–85%
//	UBND-TD      6           online 2           3/7       42.85%      below 50%
//	SGTVT        8           all 1              3/8       37.5%       below 50%
//	SVHTTDL      4           all 1              1/4       25%         below 50%
//
// Units without a commitment this round: VPUBND, SKHCN, PTTH, BAO, VPDDBQH,
// UBND-HOPHOA.
//
// Stories on the way: BHXH, SYT, STNMT and UBND-VT each had one report
// rejected and then corrected (BHXH and SYT still meet the target after the
// correction, STNMT and UBND-VT do not); SGTVT's online rate was verified
// at a lower figure than reported; STC reported its online rate early in
// June and again at the end; SNV, STTTT and SCT have a report effective
// early in June.
var round = []commitmentSpec{
	{unit: "CAT", indicators: []indicatorSpec{
		pct("online", online, 80, 86.4).weight(2),
		pct("late", late, 2, 0.8),
		yes("apology", apology, 1),
		pct("onestop", oneStop, 100, 100),
		pct("esign", eSigned, 90, 97),
		count("training", training, 120, 154),
		yes("discipline", discipline, 1),
		pct("feedback", feedback, 95, 100),
	}},
	{unit: "BHXH", indicators: []indicatorSpec{
		pct("online", online, 80, 91.2).weight(2),
		pct("late", late, 2, 1.1).weight(2).rejectedFirst(0.4,
			"Số liệu chưa khớp với Hệ thống thông tin một cửa điện tử; đề nghị rà soát và báo cáo lại"),
		yes("apology", apology, 1),
		count("epay", ePayment, 5000, 6120),
		pct("esign", eSigned, 95, 98.5),
		pct("satisfaction", satisfaction, 90, 94),
		yes("discipline", discipline, 1),
		yes("public", published, 1),
	}},
	{unit: "SNV", indicators: []indicatorSpec{
		count("legal", legalReview, 3, 4),
		pct("late", late, 2, 0),
		yes("apology", apology, 1).on("05/06/2021"),
		pct("online", online, 80, 80),
		pct("esign", eSigned, 90, 93),
		count("training", training, 200, 236),
		yes("discipline", discipline, 1),
		yes("reorganize", reorganized, 1),
		yes("selfassess", selfAssessed, 1),
		count("media", mediaItems, 24, 18), // ✗
	}},
	{unit: "STP", indicators: []indicatorSpec{
		count("legal", legalReview, 12, 15),
		pct("late", late, 2, 1.5),
		yes("apology", apology, 1),
		pct("online", online, 80, 77.3), // ✗
		yes("public", published, 1),
		count("training", training, 60, 64),
		yes("discipline", discipline, 1),
	}},
	{unit: "STC", indicators: []indicatorSpec{
		pct("online", online, 80, 84).weight(2).verifiedFirst(72, "10/06/2021"),
		pct("late", late, 2, 0.5),
		yes("apology", apology, 1),
		count("autonomy", autonomy, 15, 17),
		pct("disburse", disbursed, 40, 36.2), // ✗
		pct("esign", eSigned, 90, 95),
		yes("discipline", discipline, 1),
		count("training", training, 40, 45),
	}},
	{unit: "SKHDT", indicators: []indicatorSpec{
		pct("online", online, 80, 88).weight(2),
		pct("late", late, 2, 0.9).weight(2),
		yes("apology", apology, 1),
		pct("disburse", disbursed, 40, 47.5),
		yes("public", published, 1),
		count("epay", ePayment, 300, 342),
		pct("esign", eSigned, 90, 96),
		pct("satisfaction", satisfaction, 90, 92),
		count("training", training, 50, 38), // ✗
		yes("discipline", discipline, 1),
	}},
	{unit: "STTTT", indicators: []indicatorSpec{
		pct("online", online, 80, 90),
		pct("late", late, 2, 0),
		yes("apology", apology, 1),
		pct("esign", eSigned, 95, 99),
		pct("paperless", paperless, 80, 92),
		count("media", mediaItems, 30, 41).on("08/06/2021"),
		count("legal", legalReview, 2, 2),
		count("training", training, 100, 124),
		yes("reorganize", reorganized, 0), // ✗
	}},
	{unit: "SYT", indicators: []indicatorSpec{
		pct("online", online, 80, 82).weight(2).rejectedFirst(86.7,
			"Tỷ lệ đã tính cả hồ sơ nộp trực tiếp được cán bộ nhập lại lên hệ thống; đề nghị tính lại"),
		pct("late", late, 2, 1.8),
		yes("apology", apology, 1),
		pct("satisfaction", satisfaction, 90, 91.5),
		pct("feedback", feedback, 95, 97),
		count("autonomy", autonomy, 10, 12),
		pct("esign", eSigned, 90, 91),
		count("training", training, 150, 162),
		yes("discipline", discipline, 1),
		yes("reorganize", reorganized, 0), // ✗
	}},
	{unit: "SCT", indicators: []indicatorSpec{
		pct("online", online, 80, 95).weight(2),
		pct("late", late, 2, 0).weight(2),
		yes("apology", apology, 1),
		count("epay", ePayment, 200, 260).on("10/06/2021"),
		yes("public", published, 1),
		pct("esign", eSigned, 90, 92),
		count("training", training, 40, 30), // ✗
		yes("discipline", discipline, 1),
	}},
	{unit: "UBND-VY", indicators: []indicatorSpec{
		pct("online", online, 80, 83).weight(2),
		pct("late", late, 2, 1.2).weight(2),
		yes("apology", apology, 1),
		pct("onestop", oneStop, 100, 100).weight(2),
		pct("satisfaction", satisfaction, 90, 93),
		pct("esign", eSigned, 90, 94),
		pct("paperless", paperless, 80, 85),
		count("legal", legalReview, 4, 5),
		pct("disburse", disbursed, 40, 44),
		count("training", training, 80, 65), // ✗
	}},
	{unit: "UBND-PY", indicators: []indicatorSpec{
		pct("online", online, 80, 81).weight(2),
		pct("late", late, 2, 1.9),
		yes("apology", apology, 1),
		pct("onestop", oneStop, 100, 100),
		pct("esign", eSigned, 90, 90.5),
		yes("discipline", discipline, 1),
		count("media", mediaItems, 20, 12), // ✗
	}},
	// SGDDT weighs its indicators 1 to 3 (sum 20) and misses 3 of them:
	// exactly 85%, which is not "above 85%".
	{unit: "SGDDT", indicators: []indicatorSpec{
		pct("online", online, 80, 81).weight(3),
		pct("late", late, 2, 1).weight(2),
		yes("apology", apology, 1).weight(2),
		yes("public", published, 1).weight(2),
		pct("esign", eSigned, 90, 93).weight(2),
		pct("paperless", paperless, 80, 84).weight(2),
		count("training", training, 300, 320).weight(2),
		yes("discipline", discipline, 1).weight(2),
		pct("satisfaction", satisfaction, 90, 88).weight(2), // ✗ 2
		count("media", mediaItems, 12, 9),                   // ✗ 1
	}},
	{unit: "SLDTBXH", indicators: []indicatorSpec{
		pct("online", online, 80, 82),
		pct("late", late, 2, 2),
		yes("apology", apology, 1),
		pct("satisfaction", satisfaction, 90, 86), // ✗
		pct("esign", eSigned, 90, 94),
	}},
	{unit: "SNNPTNT", indicators: []indicatorSpec{
		pct("online", online, 80, 71), // ✗
		pct("late", late, 2, 1.6),
		yes("apology", apology, 1),
		yes("public", published, 1),
		pct("esign", eSigned, 90, 92),
		count("autonomy", autonomy, 8, 8),
		count("training", training, 60, 70),
		pct("disburse", disbursed, 40, 33), // ✗
	}},
	{unit: "UBND-VT", indicators: []indicatorSpec{
		pct("online", online, 80, 62).weight(2).rejectedFirst(80.5, // ✗ 2
			"Tỷ lệ đã tính cả hồ sơ giấy được quét lại sau khi tiếp nhận; đề nghị báo cáo đúng số hồ sơ nộp trực tuyến"),
		pct("late", late, 2, 1.7),
		yes("apology", apology, 1),
		pct("onestop", oneStop, 100, 100),
		pct("satisfaction", satisfaction, 90, 91),
		pct("esign", eSigned, 90, 92),
		pct("paperless", paperless, 80, 81),
		count("training", training, 100, 110),
		yes("discipline", discipline, 0), // ✗ 1
	}},
	{unit: "SXD", indicators: []indicatorSpec{
		pct("online", online, 80, 64), // ✗
		pct("late", late, 2, 1.2),
		yes("apology", apology, 1),
		pct("esign", eSigned, 90, 90),
		count("legal", legalReview, 3, 1), // ✗
		yes("discipline", discipline, 1),
	}},
	{unit: "STNMT", indicators: []indicatorSpec{
		pct("online", online, 80, 46), // ✗
		pct("late", late, 2, 6.5).rejectedFirst(1.9, // ✗
			"Hệ thống một cửa điện tử ghi nhận tỷ lệ hồ sơ đất đai trễ hạn cao hơn nhiều so với báo cáo"),
		yes("apology", apology, 0), // ✗
		yes("public", published, 1),
		pct("esign", eSigned, 90, 91),
		count("legal", legalReview, 5, 6),
		count("training", training, 40, 42),
		pct("feedback", feedback, 95, 88), // ✗
	}},
	{unit: "UBND-TD", indicators: []indicatorSpec{
		pct("online", online, 80, 55).weight(2), // ✗ 2
		pct("late", late, 2, 2.8),               // ✗
		yes("apology", apology, 0),              // ✗
		pct("onestop", oneStop, 100, 100),
		pct("esign", eSigned, 90, 91),
		count("training", training, 60, 66),
	}},
	{unit: "SGTVT", indicators: []indicatorSpec{
		pct("online", online, 80, 81).verifiedAs(76.5, // ✗
			"Điều chỉnh theo số liệu thống kê của Cổng dịch vụ công tỉnh"),
		pct("late", late, 2, 4.3),  // ✗
		yes("apology", apology, 0), // ✗
		yes("public", published, 1),
		pct("esign", eSigned, 90, 85),     // ✗
		count("epay", ePayment, 500, 212), // ✗
		count("training", training, 50, 52),
		yes("discipline", discipline, 1),
	}},
	{unit: "SVHTTDL", indicators: []indicatorSpec{
		pct("online", online, 80, 38), // ✗
		pct("late", late, 2, 3.1),     // ✗
		yes("apology", apology, 1),
		pct("esign", eSigned, 90, 72), // ✗
	}},
}

// commitmentSpec is one unit's commitment of the round.
type commitmentSpec struct {
	unit       string
	indicators []indicatorSpec
}

// template is an indicator's definition without its target.
type template struct {
	name      string
	area      string
	measure   domain.Measure
	direction domain.Direction
}

// The indicators units commit to, in our own words.
var (
	online       = template{"Tỷ lệ hồ sơ thủ tục hành chính tiếp nhận trực tuyến (dịch vụ công mức độ 3, 4)", "digital_government", domain.MeasurePercent, domain.AtLeast}
	late         = template{"Tỷ lệ hồ sơ thủ tục hành chính giải quyết trễ hạn", "procedures", domain.MeasurePercent, domain.AtMost}
	apology      = template{"Gửi thư xin lỗi người dân, tổ chức đối với mọi hồ sơ trễ hạn", "procedures", domain.MeasureBoolean, domain.AtLeast}
	oneStop      = template{"Tỷ lệ thủ tục hành chính tiếp nhận tại bộ phận một cửa", "procedures", domain.MeasurePercent, domain.AtLeast}
	published    = template{"Công khai đầy đủ, kịp thời thủ tục hành chính trên Cổng dịch vụ công của tỉnh", "procedures", domain.MeasureBoolean, domain.AtLeast}
	satisfaction = template{"Tỷ lệ người dân, tổ chức hài lòng khi giải quyết thủ tục hành chính", "procedures", domain.MeasurePercent, domain.AtLeast}
	feedback     = template{"Tỷ lệ phản ánh, kiến nghị về quy định hành chính được xử lý đúng hạn", "procedures", domain.MeasurePercent, domain.AtLeast}
	eSigned      = template{"Tỷ lệ văn bản đi được ký số và gửi trên môi trường mạng", "digital_government", domain.MeasurePercent, domain.AtLeast}
	paperless    = template{"Tỷ lệ hồ sơ công việc xử lý trên môi trường mạng", "digital_government", domain.MeasurePercent, domain.AtLeast}
	ePayment     = template{"Số hồ sơ thanh toán phí, lệ phí trực tuyến", "digital_government", domain.MeasureCount, domain.AtLeast}
	legalReview  = template{"Số văn bản quy phạm pháp luật được rà soát, đề xuất sửa đổi", "institutions", domain.MeasureCount, domain.AtLeast}
	reorganized  = template{"Hoàn thành rà soát, sắp xếp các phòng, đơn vị trực thuộc", "apparatus", domain.MeasureBoolean, domain.AtLeast}
	training     = template{"Số lượt công chức được bồi dưỡng về cải cách hành chính, kỹ năng giao tiếp", "civil_service", domain.MeasureCount, domain.AtLeast}
	discipline   = template{"Không có công chức bị xử lý vì nhũng nhiễu, gây phiền hà cho người dân", "civil_service", domain.MeasureBoolean, domain.AtLeast}
	disbursed    = template{"Tỷ lệ giải ngân vốn đầu tư công được giao", "public_finance", domain.MeasurePercent, domain.AtLeast}
	autonomy     = template{"Số đơn vị sự nghiệp được giao tự chủ tài chính", "public_finance", domain.MeasureCount, domain.AtLeast}
	selfAssessed = template{"Hoàn thành tự đánh giá, chấm điểm Chỉ số cải cách hành chính đúng hạn", "", domain.MeasureBoolean, domain.AtLeast}
	mediaItems   = template{"Số tin, bài tuyên truyền về cải cách hành chính", "", domain.MeasureCount, domain.AtLeast}
)

// indicatorSpec is an indicator and the reports made on it. The final
// report is always verified.
type indicatorSpec struct {
	key      string
	tmpl     template
	target   float64
	w        float64 // 0: the default weight, 1
	reported float64 // the final report's value
	onDate   string  // the final report's effective date; "" is endOfRound
	// verified, when set, is the figure the office verified instead of
	// the reported one, with verifyNote.
	verified   *float64
	verifyNote string
	// first, when set, is an earlier report on the same indicator.
	first *firstReport
}

// firstReport is a report made before the final one: rejected with reason,
// or (reason "") verified as reported.
type firstReport struct {
	value  float64
	on     string
	reason string
}

func pct(key string, t template, target, value float64) indicatorSpec {
	return indicatorSpec{key: key, tmpl: t, target: target, reported: value}
}

func count(key string, t template, target, value float64) indicatorSpec {
	return indicatorSpec{key: key, tmpl: t, target: target, reported: value}
}

// yes is a yes/no indicator; value is 1 (yes) or 0 (no).
func yes(key string, t template, value float64) indicatorSpec {
	return indicatorSpec{key: key, tmpl: t, target: 1, reported: value}
}

func (s indicatorSpec) weight(w float64) indicatorSpec { s.w = w; return s }

func (s indicatorSpec) on(date string) indicatorSpec { s.onDate = date; return s }

func (s indicatorSpec) verifiedAs(v float64, note string) indicatorSpec {
	s.verified, s.verifyNote = &v, note
	return s
}

func (s indicatorSpec) rejectedFirst(v float64, reason string) indicatorSpec {
	s.first = &firstReport{value: v, on: endOfRound, reason: reason}
	return s
}

func (s indicatorSpec) verifiedFirst(v float64, on string) indicatorSpec {
	s.first = &firstReport{value: v, on: on}
	return s
}

// input returns the command adding the indicator, due at the round's end.
func (s indicatorSpec) input() domain.IndicatorInput {
	in := domain.IndicatorInput{Name: s.tmpl.name, Area: s.tmpl.area, Measure: string(s.tmpl.measure),
		Direction: string(s.tmpl.direction), Target: ptr(s.target), DueOn: endOfRound}
	if s.w != 0 {
		in.Weight = ptr(s.w)
	}
	return in
}

// effectiveOn returns the final report's effective date.
func (s indicatorSpec) effectiveOn() string {
	if s.onDate != "" {
		return s.onDate
	}
	return endOfRound
}

func ptr[T any](v T) *T { return &v }
