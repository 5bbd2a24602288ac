// Package demo writes a demonstration province into camket: its units, the
// documents that assign reform tasks (Kế hoạch 664/KH-UBND, văn bản
// 2544/UBND-NC, Quyết định 2685/QĐ-UBND) and the 2021-Q2 round of signed
// commitments, reported and verified, whose board reproduces the Vĩnh Phúc
// figures of the source articles: 2 units at 100% (Công an tỉnh, Bảo hiểm
// xã hội tỉnh) and 9 units above 85%.
//
// The province is a composite. Its units and districts are Vĩnh Phúc's,
// whose Q2 2021 commitment results the round reproduces; the documents are
// the real ones of An Giang (664) and Bình Phước (2544, 2685), reused as if
// this province had issued them. Task and indicator titles are short
// summaries in our own words, and heads of units are named by their post,
// never by a person's name.
//
// Everything goes through the app service (never the store), with ids
// derived from stable keys, so loading twice changes nothing.
//
// It imports the app service and the domain; never HTTP, NATS or a concrete
// event store.
package demo
