package demo

import "github.com/camket/camket/pkg/domain"

// documentSpec is a document and the tasks it assigns.
type documentSpec struct {
	cmd   domain.IssueDocument
	tasks []taskSpec
}

// taskSpec is a task and what became of it. Dates are dd/mm/yyyy.
type taskSpec struct {
	cmd      domain.AssignTask
	progress []progressStep // reported by the lead unit's reporter, oldest first
	extend   *extension     // approved by the office
	done     string         // completion date, by the lead unit's head; "" while open
	doneNote string
}

type progressStep struct {
	on      string
	percent float64
	note    string
}

// extension moves a task's deadline; on is the day it was approved.
type extension struct {
	on, to, reason string
}

// The classes these tasks fall in on 23/11/2023 (the demo's "today"): on
// time, exactly one late (664 §1.2), one extended (664 §3.1, open within
// the new deadline), open and overdue, open in time, and one recurring
// quarterly report (2544 §2.2).
var documents = []documentSpec{
	{
		cmd: domain.IssueDocument{Number: "2685/QĐ-UBND", Kind: string(domain.DocDecision),
			Title:  "Quyết định ban hành Kế hoạch cải cách hành chính nhà nước tỉnh giai đoạn 2021-2025",
			Issuer: "VPUBND", Signer: "Chủ tịch UBND tỉnh", SignedOn: "18/10/2021", Period: "2021-2025"},
		tasks: []taskSpec{
			{cmd: task("1", "Triển khai kế hoạch CCHC giai đoạn 2021-2025 tại các cơ quan, đơn vị, địa phương", "",
				"SNV", "31/12/2021", "VPUBND"),
				done: "27/12/2021", doneNote: "Các cơ quan, đơn vị đã ban hành kế hoạch CCHC của mình"},
			{cmd: task("2", "Xác định Chỉ số CCHC năm 2021 của các sở, ngành và UBND cấp huyện", "apparatus",
				"SNV", "31/03/2022"),
				done: "25/03/2022", doneNote: "Đã công bố kết quả Chỉ số CCHC năm 2021"},
			{cmd: task("3", "Nâng tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình", "digital_government",
				"STTTT", "31/12/2022", "VPUBND"),
				progress: []progressStep{{on: "30/06/2022", percent: 40, note: "Đã rà soát danh mục thủ tục đủ điều kiện"},
					{on: "31/12/2022", percent: 70, note: "Còn thủ tục lĩnh vực đất đai chưa đưa lên trực tuyến toàn trình"}}},
		},
	},
	{
		cmd: domain.IssueDocument{Number: "2544/UBND-NC", Kind: string(domain.DocLetter),
			Title:  "Văn bản chỉ đạo khắc phục hạn chế, nâng cao chỉ số cải cách hành chính của tỉnh",
			Issuer: "VPUBND", Signer: "Chủ tịch UBND tỉnh", SignedOn: "14/9/2022", Period: "2022"},
		tasks: []taskSpec{
			// 1. Heads of agencies and chairs of districts.
			{cmd: task("1.1", "Giảm tối đa hồ sơ trễ hạn; gửi thư xin lỗi khi để hồ sơ trễ hạn", "procedures",
				"UBND-VY", "31/12/2022"), done: "29/12/2022"},
			{cmd: task("1.1", "Giảm tối đa hồ sơ trễ hạn; gửi thư xin lỗi khi để hồ sơ trễ hạn", "procedures",
				"UBND-PY", "31/12/2022"), done: "28/12/2022"},
			{cmd: task("1.1", "Giảm tối đa hồ sơ trễ hạn; gửi thư xin lỗi khi để hồ sơ trễ hạn", "procedures",
				"UBND-VT", "31/12/2022"),
				progress: []progressStep{{on: "31/12/2022", percent: 60, note: "Tỷ lệ trễ hạn lĩnh vực đất đai còn cao"}}},
			{cmd: task("1.1", "Giảm tối đa hồ sơ trễ hạn; gửi thư xin lỗi khi để hồ sơ trễ hạn", "procedures",
				"UBND-TD", "31/12/2022"), done: "30/12/2022"},
			{cmd: task("1.2", "Rà soát quy định thủ tục hành chính trong lĩnh vực đất đai, đề xuất công bố sửa đổi", "procedures",
				"STNMT", "31/03/2023", "STP"), done: "24/03/2023"},
			// 2. The provincial People's Committee office.
			{cmd: task("2.1", "Đối chiếu Bộ thủ tục hành chính của các sở với bộ thủ tục của các bộ, ngành Trung ương", "procedures",
				"VPUBND", "31/12/2022", "SNV", "STP"), done: "27/12/2022"},
			{cmd: recurring(task("2.2", "Báo cáo tình hình giải quyết thủ tục hành chính các cấp qua Cổng dịch vụ công và hệ thống một cửa điện tử", "procedures",
				"VPUBND", ""), "quarterly", 20)},
			{cmd: task("2.3", "Trình ban hành Quy chế làm việc của UBND tỉnh nhiệm kỳ 2021-2026", "institutions",
				"VPUBND", "31/10/2022"), done: "25/10/2022"},
			// 3. The Department of Home Affairs.
			{cmd: task("3.1", "Điều tra xã hội học, khảo sát sự hài lòng và tự chấm điểm Chỉ số CCHC năm 2022", "apparatus",
				"SNV", "31/01/2023", "VPUBND"), done: "16/01/2023"},
			{cmd: task("3.2", "Xây dựng Bộ Chỉ số CCHC cấp sở, cấp huyện và cấp xã", "apparatus",
				"SNV", "31/03/2023"),
				progress: []progressStep{{on: "31/03/2023", percent: 80, note: "Dự thảo bộ chỉ số cấp xã đang lấy ý kiến"}}},
			{cmd: task("3.3", "Dùng kết quả CCHC hằng năm làm tiêu chí đánh giá hoàn thành nhiệm vụ và thi đua, khen thưởng", "civil_service",
				"SNV", "31/12/2023")},
			// 4. The radio-TV station and the newspaper.
			{cmd: task("4.1", "Mở chuyên mục cải cách hành chính trên sóng phát thanh, truyền hình", "",
				"PTTH", "31/10/2022"), done: "20/10/2022"},
			{cmd: task("4.2", "Mở chuyên mục cải cách hành chính trên báo in và báo điện tử", "",
				"BAO", "31/10/2022"), done: "28/10/2022"},
			{cmd: task("4.3", "Tuyên truyền để người dân, doanh nghiệp hiểu đúng kết quả CCHC trước các đợt khảo sát PAPI, SIPAS", "",
				"PTTH", "30/06/2023", "BAO"),
				progress: []progressStep{{on: "30/06/2023", percent: 75}}},
			// 5. The office of the National Assembly delegation and People's Council.
			{cmd: task("5.1", "Thông tin cho đại biểu HĐND tỉnh về nỗ lực và kết quả CCHC của chính quyền", "",
				"VPDDBQH", "31/12/2022"), done: "15/12/2022"},
		},
	},
	{
		cmd: domain.IssueDocument{Number: "664/KH-UBND", Kind: string(domain.DocPlan),
			Title:  "Kế hoạch cải cách hành chính tỉnh giai đoạn 2022-2025",
			Issuer: "VPUBND", Signer: "Chủ tịch UBND tỉnh", SignedOn: "18/10/2022", Period: "2022-2025"},
		tasks: []taskSpec{
			// 1. Institutions.
			{cmd: task("1.1", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật của tỉnh; đề xuất sửa đổi văn bản không còn phù hợp", "institutions",
				"STP", "31/03/2023", "SNV"), done: "28/03/2023"},
			{cmd: task("1.2", "Kiểm tra việc thi hành pháp luật về cải cách hành chính tại các cơ quan, đơn vị", "institutions",
				"STP", "30/06/2023", "VPUBND"),
				progress: []progressStep{{on: "30/06/2023", percent: 70, note: "Còn 4 đơn vị chưa kiểm tra"}},
				done:     "15/08/2023", doneNote: "Hoàn thành muộn do trùng lịch kiểm tra chuyên ngành"},
			{cmd: task("1.3", "Lấy ý kiến người dân, doanh nghiệp về dự thảo văn bản quy phạm pháp luật trên Cổng thông tin điện tử tỉnh", "institutions",
				"STP", "31/12/2023", "STTTT"),
				progress: []progressStep{{on: "30/09/2023", percent: 60}}},
			// 2. Administrative procedures.
			{cmd: task("2.1", "Rà soát, đơn giản hóa thủ tục hành chính nội bộ giữa các cơ quan hành chính nhà nước", "procedures",
				"VPUBND", "30/06/2023", "SNV", "STP"), done: "26/06/2023"},
			{cmd: task("2.2", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại bộ phận một cửa các cấp", "procedures",
				"VPUBND", "30/09/2023", "STTTT", "UBND-VY", "UBND-PY", "UBND-VT", "UBND-TD"),
				progress: []progressStep{{on: "30/09/2023", percent: 70, note: "Cấp xã chưa số hóa xong kết quả giải quyết"}}},
			{cmd: task("2.3", "Cắt giảm thời gian giải quyết thủ tục hành chính lĩnh vực đất đai", "procedures",
				"STNMT", "31/10/2023", "UBND-VY", "UBND-PY", "UBND-VT", "UBND-TD")},
			// 3. The state apparatus.
			{cmd: task("3.1", "Rà soát chức năng, nhiệm vụ; sắp xếp các phòng, đơn vị bên trong các sở, ngành", "apparatus",
				"SNV", "30/06/2023"),
				extend:   &extension{on: "28/06/2023", to: "31/12/2023", reason: "Chờ hướng dẫn của bộ, ngành Trung ương về tổ chức các cơ quan chuyên môn"},
				progress: []progressStep{{on: "30/09/2023", percent: 50}}},
			{cmd: task("3.2", "Sắp xếp các đơn vị sự nghiệp công lập trong lĩnh vực y tế", "apparatus",
				"SYT", "30/09/2023", "SNV", "STC"), done: "29/09/2023"},
			{cmd: task("3.3", "Đánh giá tác động của việc sắp xếp đơn vị hành chính cấp huyện, cấp xã", "apparatus",
				"SNV", "30/11/2023", "UBND-VY", "UBND-PY", "UBND-VT", "UBND-TD")},
			// 4. The civil service.
			{cmd: task("4.1", "Rà soát, cập nhật vị trí việc làm của các cơ quan, đơn vị", "civil_service",
				"SNV", "31/03/2023"), done: "30/03/2023"},
			{cmd: task("4.2", "Bồi dưỡng kỹ năng giao tiếp, ứng xử cho công chức làm việc tại bộ phận một cửa", "civil_service",
				"SNV", "31/08/2023", "VPUBND"),
				progress: []progressStep{{on: "31/08/2023", percent: 50, note: "Đã mở 2 trong 4 lớp"}}},
			{cmd: task("4.3", "Kiểm tra công vụ, kỷ luật, kỷ cương hành chính tại các cơ quan, đơn vị", "civil_service",
				"SNV", "31/12/2023", "VPUBND")},
			// 5. Public finance.
			{cmd: task("5.1", "Giao quyền tự chủ tài chính cho các đơn vị sự nghiệp công lập", "public_finance",
				"STC", "30/06/2023", "SNV"), done: "20/06/2023"},
			{cmd: task("5.2", "Đẩy nhanh giải ngân vốn đầu tư công; công khai kết quả giải ngân hằng quý", "public_finance",
				"SKHDT", "30/09/2023", "STC"),
				progress: []progressStep{{on: "30/09/2023", percent: 65}}},
			{cmd: task("5.3", "Rà soát, sắp xếp lại nhà, đất thuộc sở hữu nhà nước của các cơ quan, đơn vị", "public_finance",
				"STC", "31/12/2023", "STNMT")},
			// 6. E-government and digital government.
			{cmd: task("6.1", "Nâng cấp hệ thống thông tin giải quyết thủ tục hành chính của tỉnh, kết nối Cổng dịch vụ công quốc gia", "digital_government",
				"STTTT", "30/06/2023", "VPUBND"), done: "29/06/2023"},
			{cmd: task("6.2", "Cấp chữ ký số cho công chức; gửi, nhận văn bản điện tử giữa 4 cấp chính quyền", "digital_government",
				"STTTT", "30/09/2023"),
				progress: []progressStep{{on: "30/09/2023", percent: 85, note: "Còn một số xã chưa được cấp chữ ký số"}}},
			{cmd: task("6.3", "Xây dựng kho dữ liệu dùng chung, chia sẻ dữ liệu với các hệ thống chuyên ngành", "digital_government",
				"STTTT", "31/12/2023", "SKHDT", "STNMT")},
		},
	},
}

// task returns the command assigning a task with a deadline (dd/mm/yyyy).
func task(number, title, area, lead, deadline string, coordinating ...string) domain.AssignTask {
	return domain.AssignTask{Number: number, Title: title, Area: area, Lead: lead, Deadline: deadline, Coordinating: coordinating}
}

// recurring turns cmd into a thường xuyên task reported every period on
// dueDay.
func recurring(cmd domain.AssignTask, every string, dueDay int) domain.AssignTask {
	cmd.Deadline = ""
	cmd.Recurrence = &domain.Recurrence{Every: every, DueDay: dueDay}
	return cmd
}
