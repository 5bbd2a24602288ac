package demo

import "github.com/camket/camket/pkg/domain"

// units are the demo province's units, parents before their children.
// Heads are posts, not people.
var units = []domain.RegisterUnit{
	{Code: "VPUBND", Name: "Văn phòng UBND tỉnh", Kind: string(domain.KindOffice), Head: "Chánh Văn phòng UBND tỉnh"},
	{Code: "SNV", Name: "Sở Nội vụ", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Nội vụ"},
	{Code: "STP", Name: "Sở Tư pháp", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Tư pháp"},
	{Code: "STC", Name: "Sở Tài chính", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Tài chính"},
	{Code: "SKHDT", Name: "Sở Kế hoạch và Đầu tư", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Kế hoạch và Đầu tư"},
	{Code: "STTTT", Name: "Sở Thông tin và Truyền thông", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Thông tin và Truyền thông"},
	{Code: "SYT", Name: "Sở Y tế", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Y tế"},
	{Code: "SGDDT", Name: "Sở Giáo dục và Đào tạo", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Giáo dục và Đào tạo"},
	{Code: "SNNPTNT", Name: "Sở Nông nghiệp và Phát triển nông thôn", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Nông nghiệp và Phát triển nông thôn"},
	{Code: "STNMT", Name: "Sở Tài nguyên và Môi trường", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Tài nguyên và Môi trường"},
	{Code: "SXD", Name: "Sở Xây dựng", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Xây dựng"},
	{Code: "SGTVT", Name: "Sở Giao thông vận tải", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Giao thông vận tải"},
	{Code: "SLDTBXH", Name: "Sở Lao động – Thương binh và Xã hội", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Lao động – Thương binh và Xã hội"},
	{Code: "SVHTTDL", Name: "Sở Văn hóa, Thể thao và Du lịch", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Văn hóa, Thể thao và Du lịch"},
	{Code: "SCT", Name: "Sở Công Thương", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Công Thương"},
	{Code: "SKHCN", Name: "Sở Khoa học và Công nghệ", Kind: string(domain.KindDepartment), Head: "Giám đốc Sở Khoa học và Công nghệ"},
	{Code: "CAT", Name: "Công an tỉnh", Kind: string(domain.KindAgency), Head: "Giám đốc Công an tỉnh"},
	{Code: "BHXH", Name: "Bảo hiểm xã hội tỉnh", Kind: string(domain.KindAgency), Head: "Giám đốc Bảo hiểm xã hội tỉnh"},
	{Code: "PTTH", Name: "Đài Phát thanh và Truyền hình tỉnh", Kind: string(domain.KindMedia), Head: "Giám đốc Đài Phát thanh và Truyền hình tỉnh"},
	{Code: "BAO", Name: "Báo Vĩnh Phúc", Kind: string(domain.KindMedia), Head: "Tổng Biên tập Báo Vĩnh Phúc"},
	{Code: "VPDDBQH", Name: "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", Kind: string(domain.KindOffice), Head: "Chánh Văn phòng Đoàn ĐBQH và HĐND tỉnh"},
	{Code: "UBND-VY", Name: "UBND thành phố Vĩnh Yên", Kind: string(domain.KindDistrict), Head: "Chủ tịch UBND thành phố Vĩnh Yên"},
	{Code: "UBND-PY", Name: "UBND thành phố Phúc Yên", Kind: string(domain.KindDistrict), Head: "Chủ tịch UBND thành phố Phúc Yên"},
	{Code: "UBND-VT", Name: "UBND huyện Vĩnh Tường", Kind: string(domain.KindDistrict), Head: "Chủ tịch UBND huyện Vĩnh Tường"},
	{Code: "UBND-TD", Name: "UBND huyện Tam Dương", Kind: string(domain.KindDistrict), Head: "Chủ tịch UBND huyện Tam Dương"},
	{Code: "UBND-HOPHOA", Name: "UBND thị trấn Hợp Hòa", Kind: string(domain.KindCommune), Parent: "UBND-TD", Head: "Chủ tịch UBND thị trấn Hợp Hòa"},
}

// headOf returns the post of unit code's head, who signs its commitment.
func headOf(code string) string {
	for _, u := range units {
		if u.Code == code {
			return u.Head
		}
	}
	return ""
}
