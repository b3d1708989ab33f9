package directory

import "testing"

func TestByChampionOneRowPerPerson(t *testing.T) {
	airdrie, cumbernauld, kilsyth, shotts := Term{Slug: "airdrie", Name: "Airdrie"}, Term{Slug: "cumbernauld", Name: "Cumbernauld"},
		Term{Slug: "kilsyth", Name: "Kilsyth"}, Term{Slug: "shotts", Name: "Shotts"}
	avery := Contact{ID: 3, PersonName: "Avery", Phones: []Phone{{Label: "Desk", Number: "01632960253"}, {Label: "Work mobile", Number: "07700900253"}, {Number: "07700900999"}, {Number: "01632960000"}}}
	jamie := Contact{ID: 1, PersonName: "Jamie"}
	got := ByChampion([]AreaChampions{
		{Area: airdrie, Champions: []Contact{jamie}},
		{Area: cumbernauld, Champions: []Contact{avery, jamie}},
		{Area: kilsyth, Champions: []Contact{avery}},
		{Area: shotts},
	})
	if len(got.Rows) != 2 || got.Rows[0].ID != 1 || got.Rows[1].ID != 3 {
		t.Fatalf("rows %+v, want Jamie then Avery once each", got.Rows)
	}
	if a := got.Rows[0].AreaNames(); a != "Airdrie, Cumbernauld" {
		t.Errorf("Jamie's areas %q", a)
	}
	if a := got.Rows[1].AreaNames(); a != "Cumbernauld, Kilsyth" {
		t.Errorf("Avery's areas %q", a)
	}
	if len(got.Uncovered) != 1 || got.Uncovered[0] != shotts {
		t.Errorf("uncovered %+v, want Shotts", got.Uncovered)
	}
	desk, mobile := got.Rows[1].DeskPhones(), got.Rows[1].MobilePhones()
	if len(desk) != 2 || desk[0].Number != "01632960253" || desk[1].Number != "01632960000" {
		t.Errorf("desk %+v", desk)
	}
	if len(mobile) != 2 || mobile[0].Number != "07700900253" || mobile[1].Number != "07700900999" {
		t.Errorf("mobile %+v", mobile)
	}
}
