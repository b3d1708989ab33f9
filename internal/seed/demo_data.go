package seed

// The demo data: a plausible North Lanarkshire deployment built from the seed documents (the
// council's digital directory announcement, its Safe & Together report and the Violence Against
// Women Strategy and Action Plan 2022-2025, whose partners this list follows).
//
// Rules this data keeps (checked by the tests):
//   - National services carry their real, published numbers and websites.
//   - Every fictional local number comes from Ofcom's drama ranges (01632 960xxx,
//     0141 496 0xxx, 0131 496 0xxx, 07700 900xxx), stored as digits only.
//   - Fictional email addresses use the reserved example.org domain.
//   - Person names belong only to fictional staff and are obviously made up.
//   - Every entry holding fictional details says "Demo data" in its description.

// Visibility values shared by agencies and contacts.
const (
	Public = "public"
	Staff  = "staff"
)

// Agency kinds, as the agencies.kind CHECK allows them.
const (
	KindRSL      = "rsl"
	KindDAAgency = "da_agency"
	KindCouncil  = "council"
	KindPolice   = "police"
	KindHealth   = "health"
	KindHelpline = "helpline"
	KindLegal    = "legal"
	KindOther    = "other"
)

// Contact kinds, as the contacts.kind CHECK allows them.
const (
	ContactHelpline      = "helpline"
	ContactChampion      = "champion"
	ContactReferralPoint = "referral_point"
	ContactGeneral       = "general"
)

// Referral routes, as the agencies.referral_route CHECK allows them.
const (
	RouteSelf         = "self"
	RouteProfessional = "professional"
	RouteBoth         = "both"
)

// Term is an area, category or audience: a slug that never changes and a display name.
type Term struct {
	Slug string
	Name string
}

// Phone is one labelled number of a contact, stored in contacts.phones as {"label","number"}.
// Number is digits only (or a short code such as 999, 101, 116123).
type Phone struct {
	Label  string `json:"label"`
	Number string `json:"number"`
}

// Contact is one way to reach an agency. RoleTitle is unique within its agency: the seed
// matches existing rows by (agency, role title). Areas are area slugs the contact covers
// (champions name theirs).
type Contact struct {
	RoleTitle  string
	PersonName string
	Phones     []Phone
	Email      string
	Hours      string
	Notes      string
	Kind       string
	Visibility string
	IsKey      bool
	KeyOrder   int
	Areas      []string
	Main       bool // set by the loader on the contact that holds Agency.Phone
}

// Agency is one organisation in the directory. Areas, Categories and Audiences hold slugs.
type Agency struct {
	Slug          string
	Name          string
	Kind          string
	Summary       string
	Description   string
	Website       string
	Email         string
	Phone         string // the main number: the loader keeps it on a contact marked main
	ReferralRoute string
	Eligibility   string
	OpeningHours  string
	Open24h       bool
	Languages     []string
	Keywords      string
	Visibility    string
	Areas         []string
	Categories    []string
	Audiences     []string
	Contacts      []Contact
}

// Demo data values for the site settings (written only where the admin left them empty).
const (
	DemoHelplineName   = "Scotland's Domestic Abuse and Forced Marriage Helpline"
	DemoHelplineNumber = "08000271234"
	DemoHelplineHours  = "24 hours a day, 7 days a week"
	DemoCouncilName    = "North Lanarkshire Council"
)

// Areas are North Lanarkshire's localities, in the order the directory offers them.
var Areas = []Term{
	{"airdrie", "Airdrie"},
	{"bellshill", "Bellshill"},
	{"coatbridge", "Coatbridge"},
	{"cumbernauld", "Cumbernauld"},
	{"kilsyth", "Kilsyth"},
	{"motherwell", "Motherwell"},
	{"shotts", "Shotts"},
	{"wishaw", "Wishaw"},
	{"northern-corridor", "Northern Corridor (Moodiesburn, Chryston, Stepps)"},
	{"mossend-and-viewpark", "Mossend and Viewpark"},
}

// Categories are the support types.
var Categories = []Term{
	{"refuge-and-accommodation", "Refuge and accommodation"},
	{"outreach", "Outreach and support"},
	{"helpline", "Helplines"},
	{"housing-advice", "Housing advice"},
	{"legal-and-injunctions", "Legal advice and injunctions"},
	{"children-and-young-people", "Children and young people"},
	{"perpetrator-programmes", "Perpetrator programmes"},
	{"stalking", "Stalking"},
	{"sexual-violence", "Sexual violence"},
	{"forced-marriage-and-honour-based-abuse", "Forced marriage and honour-based abuse"},
	{"fgm", "Female genital mutilation (FGM)"},
	{"mental-health-crisis", "Mental health crisis"},
	{"money-and-benefits", "Money and benefits"},
	{"police-and-justice", "Police and justice"},
	{"health", "Health"},
}

// Audiences are who a service is for.
var Audiences = []Term{
	{"women", "Women"},
	{"men", "Men"},
	{"lgbt-plus", "LGBT+"},
	{"children-and-young-people", "Children and young people"},
	{"older-people", "Older people"},
	{"disabled-people", "Disabled people"},
	{"minority-ethnic-by-and-for", "Minority ethnic (by-and-for services)"},
	{"people-who-cause-harm", "People who cause harm"},
}

// Sentences the descriptions share.
const (
	demoFictional = "Demo data: the phone numbers, email address, web address and any staff names in this entry are fictional placeholders, not this organisation's real contact details, and the description of the service is illustrative."
	demoRealSite  = "Demo data: the website is the organisation's real one, but the local phone numbers, email address and any staff names in this entry are fictional placeholders, and the description of the service is illustrative."
	demoFakeOrg   = "Demo data: this is a fictional organisation, included to show how a local service appears in the directory. Its phone numbers, email address and staff names are placeholders."
	nationalNote  = "The phone number is the one the service publishes. Check its website for current opening hours before you rely on them."
	outOfHours    = "Out of hours, call Scotland's Domestic Abuse and Forced Marriage Helpline on 0800 027 1234 (24 hours), or 999 in an emergency."
)

var northLanarkshire = []string{"airdrie", "bellshill", "coatbridge", "cumbernauld", "kilsyth", "motherwell", "shotts", "wishaw", "northern-corridor", "mossend-and-viewpark"}

func ph(label, number string) []Phone { return []Phone{{Label: label, Number: number}} }

// Agencies is the demo directory: local partners named in the seed documents, council teams,
// registered social landlords and national helplines.
var Agencies = []Agency{
	// ---------------------------------------------------------------- local domestic abuse services
	{
		Slug:    "motherwell-and-district-womens-aid",
		Name:    "Motherwell and District Women's Aid",
		Kind:    KindDAAgency,
		Summary: "Refuge, outreach and children's support for women and their children experiencing domestic abuse in Motherwell, Wishaw, Bellshill and Shotts.",
		Description: "If someone you live with, or have been in a relationship with, is hurting, frightening or controlling you, you can talk to us. " +
			"We offer safe refuge accommodation, support in your own home or community, help with housing and money worries, and one-to-one support for children and young people. " +
			"You do not need to leave your home or report to the police to get support. " + demoFictional,
		Website:       "https://motherwell-womens-aid.example.org",
		Email:         "support.motherwell-womens-aid@example.org",
		Phone:         "01632960101",
		ReferralRoute: RouteBoth,
		Eligibility:   "Women aged 16 and over, and their children, affected by domestic abuse who live in or want to move to the south of North Lanarkshire.",
		OpeningHours:  "Monday to Friday, 9am to 5pm. " + outOfHours,
		Languages:     []string{"English", "Polish"},
		Keywords:      "refuge accommodation safe house outreach domestic abuse women's aid children support housing",
		Visibility:    Public,
		Areas:         []string{"motherwell", "wishaw", "bellshill", "shotts", "mossend-and-viewpark"},
		Categories:    []string{"refuge-and-accommodation", "outreach", "children-and-young-people", "housing-advice"},
		Audiences:     []string{"women", "children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Support and refuge line", Phones: ph("Support line", "01632960101"), Email: "support.motherwell-womens-aid@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Ask for a refuge space or a support worker. Tell us if it is not safe for us to call you back.", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Children and young people's service", Phones: ph("Children's team", "01632960102"), Hours: "Monday to Friday, 9am to 5pm", Notes: "One-to-one and group support for children and young people affected by domestic abuse.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Professional referrals", PersonName: "Alex Demo", Phones: ph("Referrals", "01632960103"), Email: "referrals.motherwell-womens-aid@example.org", Hours: "Monday to Friday, 9am to 4pm", Notes: "For housing officers and RSL staff making a referral with the woman's consent.", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "monklands-womens-aid",
		Name:    "Monklands Women's Aid",
		Kind:    KindDAAgency,
		Summary: "Refuge, outreach, court support and children's services for women and children affected by domestic abuse in Airdrie and Coatbridge.",
		Description: "We support women and their children who are experiencing, or have experienced, domestic abuse. " +
			"We can offer refuge accommodation, practical and emotional support where you live, help to understand your options, and support if you are going to court. " +
			"You can contact us yourself, or ask someone you trust to refer you. " + demoFictional,
		Website:       "https://monklands-womens-aid.example.org",
		Email:         "support.monklands-womens-aid@example.org",
		Phone:         "01632960111",
		ReferralRoute: RouteBoth,
		Eligibility:   "Women aged 16 and over, and their children and young people, affected by domestic abuse in the Monklands area (Airdrie, Coatbridge and surrounding villages).",
		OpeningHours:  "Monday to Friday, 9am to 5pm. " + outOfHours,
		Languages:     []string{"English", "Urdu", "Punjabi"},
		Keywords:      "refuge accommodation safe house outreach court support domestic abuse women's aid children",
		Visibility:    Public,
		Areas:         []string{"airdrie", "coatbridge"},
		Categories:    []string{"refuge-and-accommodation", "outreach", "children-and-young-people", "legal-and-injunctions"},
		Audiences:     []string{"women", "children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Support and refuge line", Phones: ph("Support line", "01632960111"), Email: "support.monklands-womens-aid@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Refuge spaces, outreach and advice.", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Court and advocacy support", Phones: ph("Court support", "01632960112"), Hours: "Monday to Friday, 9am to 5pm", Notes: "Support before and during court, including help to understand protective orders.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Professional referrals", PersonName: "Sam Example", Phones: ph("Referrals", "01632960113"), Email: "referrals.monklands-womens-aid@example.org", Hours: "Monday to Friday, 9am to 4pm", Notes: "Referrals from housing, RSL and health staff.", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "north-lanarkshire-womens-aid",
		Name:    "North Lanarkshire Women's Aid",
		Kind:    KindDAAgency,
		Summary: "Support, refuge and outreach for women, children and young people affected by domestic abuse in Cumbernauld, Kilsyth and the Northern Corridor.",
		Description: "We are here for women, children and young people living with or recovering from domestic abuse. " +
			"We offer refuge, outreach support, drop-in sessions and group work, and we can help you think through what is safest for you. " +
			"Everything you tell us is confidential unless someone is at immediate risk. " + demoFictional,
		Website:       "https://north-lanarkshire-womens-aid.example.org",
		Email:         "support.nl-womens-aid@example.org",
		Phone:         "01632960121",
		ReferralRoute: RouteBoth,
		Eligibility:   "Women aged 16 and over, and their children and young people, in the north of North Lanarkshire.",
		OpeningHours:  "Monday to Friday, 9am to 5pm; drop-in Wednesday 10am to 1pm. " + outOfHours,
		Languages:     []string{"English"},
		Keywords:      "refuge accommodation safe house outreach drop-in groups domestic abuse women's aid",
		Visibility:    Public,
		Areas:         []string{"cumbernauld", "kilsyth", "northern-corridor"},
		Categories:    []string{"refuge-and-accommodation", "outreach", "children-and-young-people"},
		Audiences:     []string{"women", "children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Support and refuge line", Phones: ph("Support line", "01632960121"), Email: "support.nl-womens-aid@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Young people's worker", Phones: ph("Young people's team", "01632960122"), Hours: "Monday to Thursday, 10am to 6pm", Notes: "Support for young people aged 12 to 18 affected by domestic abuse at home or in their own relationships.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Professional referrals", PersonName: "Jordan Placeholder", Phones: ph("Referrals", "01632960123"), Email: "referrals.nl-womens-aid@example.org", Hours: "Monday to Friday, 9am to 4pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "assist",
		Name:    "ASSIST",
		Kind:    KindDAAgency,
		Summary: "Independent advocacy and support for people affected by domestic abuse whose case is going through the police and courts.",
		Description: "If the police have been involved because of domestic abuse, ASSIST can explain what happens next, keep you informed about the court case, help you plan for your safety and speak up for what you need. " +
			"ASSIST works with Police Scotland on multi-agency tasking and the MARAC for people at high risk. " + demoFictional,
		Website:       "https://assist-advocacy.example.org",
		Email:         "advocacy.assist@example.org",
		Phone:         "01414960131",
		ReferralRoute: RouteProfessional,
		Eligibility:   "People of any gender affected by domestic abuse where the police have charged someone. Referrals usually come from Police Scotland; other professionals can ask.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "advocacy court case criminal justice idaa independent domestic abuse advocate high risk marac",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"police-and-justice", "legal-and-injunctions", "outreach"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Advocacy service", Phones: ph("Advocacy line", "01414960131"), Email: "advocacy.assist@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Updates about a court case and safety planning.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Referrals from professionals", PersonName: "Robin Sample", Phones: ph("Referrals", "01414960132"), Email: "referrals.assist@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "aura",
		Name:    "Aura",
		Kind:    KindDAAgency,
		Summary: "A partner in North Lanarkshire's violence against women partnership offering support to women affected by gender-based violence.",
		Description: "Aura is one of the specialist services named in North Lanarkshire's Violence Against Women Strategy, alongside the area's Women's Aid groups, ASSIST and Lanarkshire Rape Crisis Centre. " +
			"Contact the service to ask what support it can offer you. " + demoFictional + " The description of this service is also a placeholder.",
		Website:       "https://aura.example.org",
		Email:         "hello.aura@example.org",
		Phone:         "01632960141",
		ReferralRoute: RouteBoth,
		Eligibility:   "Women affected by gender-based violence in North Lanarkshire.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "gender based violence support women aura",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"outreach"},
		Audiences:     []string{"women"},
		Contacts: []Contact{
			{RoleTitle: "Main office", Phones: ph("Office", "01632960141"), Email: "hello.aura@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Referrals", Phones: ph("Referrals", "01632960142"), Hours: "Monday to Friday, 9am to 4pm", Kind: ContactReferralPoint, Visibility: Public},
		},
	},
	{
		Slug:    "lanarkshire-rape-crisis-centre",
		Name:    "Lanarkshire Rape Crisis Centre",
		Kind:    KindDAAgency,
		Summary: "Support, information and advocacy for women and girls affected by rape, sexual assault or sexual abuse at any time in their lives.",
		Description: "If you have been raped or sexually assaulted, recently or a long time ago, you can talk to us. " +
			"We offer one-to-one support, advocacy if you are thinking about reporting to the police or are going to court, and support for young people. " +
			"We also deliver Equally Safe at School with secondary schools in North Lanarkshire. " + demoFictional,
		Website:       "https://lanarkshire-rape-crisis.example.org",
		Email:         "support.lanarkshire-rape-crisis@example.org",
		Phone:         "01632960151",
		ReferralRoute: RouteBoth,
		Eligibility:   "Women and girls aged 12 and over affected by any form of sexual violence, living or working in Lanarkshire.",
		OpeningHours:  "Monday to Friday, 9am to 5pm; evening appointments by arrangement. Rape Crisis Scotland's helpline is open every evening.",
		Languages:     []string{"English", "British Sign Language"},
		Keywords:      "rape sexual assault sexual abuse childhood sexual abuse advocacy lrcc equally safe at school",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"sexual-violence", "children-and-young-people", "outreach"},
		Audiences:     []string{"women", "children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Support line", Phones: ph("Support line", "01632960151"), Email: "support.lanarkshire-rape-crisis@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Young people's service", Phones: ph("Young people", "01632960152"), Hours: "Monday to Friday, 10am to 6pm", Notes: "Support for girls and young women aged 12 to 18.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Advocacy and professional referrals", PersonName: "Casey Demo", Phones: ph("Advocacy", "01632960153"), Email: "advocacy.lanarkshire-rape-crisis@example.org", Hours: "Monday to Friday, 9am to 4pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "nhs-lanarkshire-gender-based-violence-services",
		Name:    "NHS Lanarkshire Gender Based Violence Services",
		Kind:    KindHealth,
		Summary: "NHS support for people affected by gender-based violence, including domestic abuse, rape, sexual assault, childhood sexual abuse and commercial sexual exploitation.",
		Description: "The service offers one-to-one support, help to look after your health and wellbeing, and links to other NHS services such as sexual health and mental health. " +
			"You can refer yourself, or a GP, health visitor or other worker can refer you. " + demoRealSite,
		Website:       "https://www.nhslanarkshire.scot.nhs.uk",
		Email:         "gbv.nhs-lanarkshire@example.org",
		Phone:         "01632960161",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone aged 16 and over registered with a GP in Lanarkshire who is affected by gender-based violence.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English", "Interpreters on request"},
		Keywords:      "nhs gbv health sexual health trauma counselling commercial sexual exploitation cse gp",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"health", "sexual-violence", "mental-health-crisis", "outreach"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Self-referral and enquiries", Phones: ph("Enquiries", "01632960161"), Email: "gbv.nhs-lanarkshire@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Sexual health liaison", Phones: ph("Sexual health liaison", "01632960162"), Hours: "Tuesday and Thursday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Safe & Together trainer", PersonName: "Taylor Example", Phones: ph("Office", "01632960163"), Email: "safeandtogether.nhs-lanarkshire@example.org", Hours: "Monday to Thursday, 9am to 5pm", Notes: "Safe & Together training and case consultations for NHS staff.", Kind: ContactGeneral, Visibility: Staff},
		},
	},
	{
		Slug:    "police-scotland-lanarkshire",
		Name:    "Police Scotland (Lanarkshire Division)",
		Kind:    KindPolice,
		Summary: "Call 999 in an emergency or if you are in danger now. Call 101 to report domestic abuse that is not an emergency or to ask about the Disclosure Scheme for Domestic Abuse Scotland.",
		Description: "If you are in danger now, call 999. If you cannot speak, stay on the line; from a mobile, press 55 when asked so the call is put through to the police. " +
			"For anything that is not an emergency, call 101. You can ask the police, through the Disclosure Scheme for Domestic Abuse Scotland, whether a partner has a history of abuse. " +
			"999 and 101 are the real Police Scotland numbers. " + demoRealSite,
		Website:       "https://www.scotland.police.uk",
		Phone:         "101",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone.",
		OpeningHours:  "999 and 101 are answered 24 hours a day.",
		Open24h:       true,
		Languages:     []string{"English", "Interpreters on request"},
		Keywords:      "police emergency 999 101 report crime domestic abuse disclosure scheme dsdas clare's law bail protective order matac",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"police-and-justice", "stalking", "forced-marriage-and-honour-based-abuse"},
		Audiences:     []string{"women", "men", "lgbt-plus", "children-and-young-people", "older-people", "disabled-people", "minority-ethnic-by-and-for"},
		Contacts: []Contact{
			{RoleTitle: "Emergency: police", Phones: ph("Emergency", "999"), Hours: "24 hours", Notes: "If it is not safe to speak, stay on the line. From a mobile, press 55 when asked so the call is put through to the police.", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 10},
			{RoleTitle: "Non-emergency line", Phones: ph("Non-emergency", "101"), Hours: "24 hours", Notes: "Report domestic abuse that is not happening now, or ask for information.", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 40},
			{RoleTitle: "Disclosure Scheme for Domestic Abuse Scotland", Phones: ph("Ask via 101", "101"), Hours: "24 hours", Notes: "Ask whether a partner has a history of abuse (the right to ask), or raise a concern about someone else (the power to tell).", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Domestic Abuse Investigation Unit", PersonName: "Drew Example", Phones: []Phone{{Label: "Unit office", Number: "01632960171"}, {Label: "Duty officer mobile", Number: "07700900171"}}, Email: "daiu.lanarkshire@example.org", Hours: "Monday to Friday, 8am to 6pm", Notes: "For partner agencies following up MARAC and MATAC actions. Not for reporting a crime.", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},

	// ---------------------------------------------------------------- North Lanarkshire Council
	{
		Slug:    "north-lanarkshire-council-housing",
		Name:    "North Lanarkshire Council Housing Service",
		Kind:    KindCouncil,
		Summary: "Housing options, homelessness help and temporary accommodation for people who cannot stay safely at home, and tenancy support for council tenants.",
		Description: "If you are not safe at home because of domestic abuse, the council's housing service can talk to you about your options: staying in your home with extra security, a move, or emergency and temporary accommodation. " +
			"You will not be asked to repeat your story more than needed, and you can bring someone with you. " +
			"The service runs the Housing Domestic Abuse Forum for Social Landlords and has Housing Domestic Abuse Champions in every locality. " + demoRealSite,
		Website:       "https://www.northlanarkshire.gov.uk",
		Email:         "housing-options.nlc@example.org",
		Phone:         "01632960201",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone who lives in, or needs to move to, North Lanarkshire. Emergency accommodation is available to anyone who is homeless or at risk that night.",
		OpeningHours:  "Monday to Friday, 8:45am to 4:45pm; out-of-hours homelessness line every evening, weekend and public holiday.",
		Languages:     []string{"English", "Polish", "Urdu", "Chinese", "Gaelic"},
		Keywords:      "council housing homeless homelessness temporary accommodation emergency accommodation management transfer sanctuary security rehousing tenancy",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"housing-advice", "refuge-and-accommodation"},
		Audiences:     []string{"women", "men", "lgbt-plus", "older-people", "disabled-people"},
		Contacts: []Contact{
			{RoleTitle: "Housing options and homelessness", Phones: ph("Housing options", "01632960201"), Email: "housing-options.nlc@example.org", Hours: "Monday to Friday, 8:45am to 4:45pm", Notes: "Ask for a private interview. Tell us if it is not safe to send letters to your address.", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Out-of-hours homelessness", Phones: ph("Out of hours", "01632960202"), Hours: "Evenings from 4:45pm, weekends and public holidays", Notes: "Emergency accommodation if you cannot stay safely at home tonight.", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 50},
			{RoleTitle: "Tenancy support", Phones: ph("Tenancy support", "01632960203"), Hours: "Monday to Friday, 9am to 5pm", Notes: "Help to keep or set up a tenancy after abuse, including furniture and money advice.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Housing Domestic Abuse Policy lead", PersonName: "Morgan Sample", Phones: ph("Office", "01632960204"), Email: "da-policy.housing.nlc@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Policy questions, the Housing Domestic Abuse Forum for Social Landlords and Safe & Together training for housing staff.", Kind: ContactGeneral, Visibility: Staff},
		},
	},
	{
		Slug:          "nlc-housing-domestic-abuse-champions-north",
		Name:          "Housing Domestic Abuse Champions (North localities)",
		Kind:          KindCouncil,
		Summary:       "Named housing domestic abuse champions for Airdrie, Coatbridge, Cumbernauld, Kilsyth and the Northern Corridor: first point of contact for RSLs and housing staff.",
		Description:   "Champions support housing staff who are worried about a tenant or customer, and are the primary point of contact for registered social landlords in their localities. They help share the right information so survivors do not have to repeat their story. " + demoFictional,
		Email:         "champions-north.nlc@example.org",
		ReferralRoute: RouteProfessional,
		Eligibility:   "Council housing staff and partner RSL officers.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "champion housing domestic abuse champion rsl liaison case discussion",
		Visibility:    Staff,
		Areas:         []string{"airdrie", "coatbridge", "cumbernauld", "kilsyth", "northern-corridor"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Housing Domestic Abuse Champion – Airdrie", PersonName: "Jamie Placeholder", Phones: []Phone{{Label: "Desk", Number: "01632960251"}, {Label: "Work mobile", Number: "07700900251"}}, Email: "champion.airdrie@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Airdrie.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"airdrie"}},
			{RoleTitle: "Housing Domestic Abuse Champion – Coatbridge", PersonName: "Riley Demo", Phones: []Phone{{Label: "Desk", Number: "01632960252"}, {Label: "Work mobile", Number: "07700900252"}}, Email: "champion.coatbridge@example.org", Hours: "Monday to Thursday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Coatbridge.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"coatbridge"}},
			{RoleTitle: "Housing Domestic Abuse Champion – Cumbernauld and Kilsyth", PersonName: "Avery Sample", Phones: []Phone{{Label: "Desk", Number: "01632960253"}, {Label: "Work mobile", Number: "07700900253"}}, Email: "champion.cumbernauld@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Cumbernauld and Kilsyth.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"cumbernauld", "kilsyth"}},
			{RoleTitle: "Housing Domestic Abuse Champion – Northern Corridor", PersonName: "Quinn Placeholder", Phones: []Phone{{Label: "Desk", Number: "01632960254"}, {Label: "Work mobile", Number: "07700900254"}}, Email: "champion.northern-corridor@example.org", Hours: "Tuesday to Friday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Moodiesburn, Chryston and Stepps.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"northern-corridor"}},
		},
	},
	{
		Slug:          "nlc-housing-domestic-abuse-champions-south",
		Name:          "Housing Domestic Abuse Champions (South localities)",
		Kind:          KindCouncil,
		Summary:       "Named housing domestic abuse champions for Motherwell, Wishaw, Bellshill, Mossend and Viewpark, and Shotts: first point of contact for RSLs and housing staff.",
		Description:   "Champions support housing staff who are worried about a tenant or customer, and are the primary point of contact for registered social landlords in their localities. They help share the right information so survivors do not have to repeat their story. " + demoFictional,
		Email:         "champions-south.nlc@example.org",
		ReferralRoute: RouteProfessional,
		Eligibility:   "Council housing staff and partner RSL officers.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "champion housing domestic abuse champion rsl liaison case discussion",
		Visibility:    Staff,
		Areas:         []string{"motherwell", "wishaw", "bellshill", "mossend-and-viewpark", "shotts"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Housing Domestic Abuse Champion – Motherwell", PersonName: "Charlie Example", Phones: []Phone{{Label: "Desk", Number: "01632960255"}, {Label: "Work mobile", Number: "07700900255"}}, Email: "champion.motherwell@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Motherwell.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"motherwell"}},
			{RoleTitle: "Housing Domestic Abuse Champion – Wishaw", PersonName: "Skyler Demo", Phones: []Phone{{Label: "Desk", Number: "01632960256"}, {Label: "Work mobile", Number: "07700900256"}}, Email: "champion.wishaw@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Wishaw.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"wishaw"}},
			{RoleTitle: "Housing Domestic Abuse Champion – Bellshill", PersonName: "Rowan Sample", Phones: []Phone{{Label: "Desk", Number: "01632960257"}, {Label: "Work mobile", Number: "07700900257"}}, Email: "champion.bellshill@example.org", Hours: "Monday to Wednesday, 9am to 5pm", Notes: "Point of contact for RSLs with homes in Bellshill, Mossend and Viewpark.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"bellshill", "mossend-and-viewpark"}},
			{RoleTitle: "Housing Domestic Abuse Champion – Shotts", PersonName: "Harper Placeholder", Phones: []Phone{{Label: "Desk", Number: "01632960258"}, {Label: "Work mobile", Number: "07700900258"}}, Email: "champion.shotts@example.org", Hours: "Monday to Friday, 9am to 1pm", Notes: "Point of contact for RSLs with homes in Shotts and surrounding villages.", Kind: ContactChampion, Visibility: Staff, Areas: []string{"shotts"}},
		},
	},
	{
		Slug:          "north-lanarkshire-marac",
		Name:          "North Lanarkshire MARAC Co-ordination Team",
		Kind:          KindCouncil,
		Summary:       "Co-ordinates the Multi-Agency Risk Assessment Conference (MARAC) for people at high risk of serious harm from domestic abuse.",
		Description:   "Agencies refer people assessed as high risk (for example through the DASH risk checklist) to the MARAC, where partners share information and agree a safety plan. Referrals go by secure email only; do not send case details to any other address. " + demoFictional,
		Email:         "marac.north-lanarkshire@example.org",
		Phone:         "01632960241",
		ReferralRoute: RouteProfessional,
		Eligibility:   "Professionals in partner agencies referring a high-risk case under the MARAC Operating Protocol.",
		OpeningHours:  "Monday to Friday, 9am to 5pm. Meetings every two weeks.",
		Languages:     []string{"English"},
		Keywords:      "marac multi agency risk assessment conference dash risk checklist high risk safety plan referral protocol",
		Visibility:    Staff,
		Areas:         northLanarkshire,
		Categories:    []string{"police-and-justice", "outreach"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "MARAC co-ordinator", PersonName: "Frankie Demo", Phones: []Phone{{Label: "Office", Number: "01632960241"}, {Label: "Work mobile", Number: "07700900241"}}, Email: "marac.north-lanarkshire@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Questions about thresholds, the protocol and urgent referrals.", Kind: ContactReferralPoint, Visibility: Staff, IsKey: true, KeyOrder: 110},
			{RoleTitle: "MARAC administrator", PersonName: "Emery Example", Phones: ph("Office", "01632960242"), Email: "marac-admin.north-lanarkshire@example.org", Hours: "Monday to Friday, 9am to 4pm", Notes: "Meeting dates, agendas and action updates.", Kind: ContactGeneral, Visibility: Staff},
			{RoleTitle: "MARAC referrals (secure email)", Email: "marac-referrals.north-lanarkshire@example.org", Hours: "Checked every working day", Notes: "Send the completed referral form and DASH checklist by secure email only.", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "nlc-social-work",
		Name:    "North Lanarkshire Council Social Work",
		Kind:    KindCouncil,
		Summary: "Social work support and protection for children and adults, including the out-of-hours Social Work Emergency Service.",
		Description: "If you are worried about a child or an adult who may be at risk of harm, contact social work. " +
			"Children and families social workers in North Lanarkshire use the Safe & Together model, which means working alongside the parent who is being abused and holding the person causing harm responsible. " + demoRealSite,
		Website:       "https://www.northlanarkshire.gov.uk",
		Email:         "social-work.nlc@example.org",
		Phone:         "01632960212",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone worried about a child or an adult at risk in North Lanarkshire.",
		OpeningHours:  "Monday to Friday, 8:45am to 4:45pm; Social Work Emergency Service out of hours.",
		Open24h:       true,
		Languages:     []string{"English", "Interpreters on request"},
		Keywords:      "social work child protection adult protection safe and together out of hours emergency swes",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"children-and-young-people"},
		Audiences:     []string{"children-and-young-people", "older-people", "disabled-people", "women"},
		Contacts: []Contact{
			{RoleTitle: "Social Work Emergency Service (out of hours)", Phones: ph("Out of hours", "01632960211"), Hours: "Evenings, weekends and public holidays", Notes: "If a child or adult is at risk and the office is closed.", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 60},
			{RoleTitle: "Children and families duty team", Phones: ph("Duty team", "01632960212"), Email: "social-work.nlc@example.org", Hours: "Monday to Friday, 8:45am to 4:45pm", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Adult protection duty", Phones: ph("Adult protection", "01632960213"), Hours: "Monday to Friday, 8:45am to 4:45pm", Notes: "Concerns about an adult at risk of harm, including older and disabled people.", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Safe & Together co-ordinator", PersonName: "Parker Sample", Phones: ph("Office", "01632960214"), Email: "safeandtogether.nlc@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Core, Overview and supervisor training, mentor sessions and case consultations.", Kind: ContactGeneral, Visibility: Staff},
		},
	},
	{
		Slug:    "nlc-justice-social-work",
		Name:    "North Lanarkshire Council Justice Services",
		Kind:    KindCouncil,
		Summary: "Behaviour-change programmes for people who have been abusive (Up2U, Moving Forward Making Changes), with linked support for partners and ex-partners.",
		Description: "Justice Services deliver programmes that challenge abusive behaviour and hold people to account, most often as part of a court order: Up2U for people who use domestic abuse, and Moving Forward Making Changes for men convicted of sexual offending. " +
			"If your partner or ex-partner is on a programme, a women's support worker can offer you support and help you plan for your safety. " + demoRealSite,
		Website:       "https://www.northlanarkshire.gov.uk",
		Email:         "justice-programmes.nlc@example.org",
		Phone:         "01632960221",
		ReferralRoute: RouteProfessional,
		Eligibility:   "People referred by the court or by social work. Partner support is offered to the current and former partners of programme participants.",
		OpeningHours:  "Monday to Friday, 9am to 5pm; some evening groups.",
		Languages:     []string{"English"},
		Keywords:      "perpetrator programme behaviour change up2u mfmc moving forward making changes caledonian court order justice social work",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"perpetrator-programmes", "police-and-justice"},
		Audiences:     []string{"people-who-cause-harm", "men", "women"},
		Contacts: []Contact{
			{RoleTitle: "Programmes team", Phones: ph("Programmes", "01632960221"), Email: "justice-programmes.nlc@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Women's support worker (partners of programme participants)", Phones: ph("Partner support", "01632960222"), Hours: "Monday to Friday, 9am to 5pm", Notes: "Support and safety planning for partners and ex-partners of people on a programme.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Up2U referrals", PersonName: "Dakota Example", Phones: ph("Referrals", "01632960223"), Email: "up2u.nlc@example.org", Hours: "Monday to Friday, 9am to 4pm", Notes: "Court report writers and social workers: check suitability before referral.", Kind: ContactReferralPoint, Visibility: Staff},
			{RoleTitle: "Justice duty social worker", Phones: ph("Duty", "01632960224"), Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Staff},
		},
	},
	{
		Slug:    "nlc-financial-inclusion",
		Name:    "North Lanarkshire Council Financial Inclusion Team",
		Kind:    KindCouncil,
		Summary: "Free, confidential help with benefits, debt, crisis grants and money worries, including after leaving an abusive relationship.",
		Description: "Leaving an abusive relationship can leave you with debts in your name, no access to money or benefits paid to someone else. " +
			"An adviser can check what you are entitled to, help you apply for a Scottish Welfare Fund crisis grant and deal with debts, including ones taken out in your name by someone else. " + demoRealSite,
		Website:       "https://www.northlanarkshire.gov.uk",
		Email:         "money-advice.nlc@example.org",
		Phone:         "01632960231",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone living in North Lanarkshire.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English", "Polish", "Urdu"},
		Keywords:      "money advice benefits universal credit debt crisis grant scottish welfare fund economic abuse financial abuse",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"money-and-benefits"},
		Audiences:     []string{"women", "men", "older-people", "disabled-people"},
		Contacts: []Contact{
			{RoleTitle: "Money and benefits advice line", Phones: ph("Advice line", "01632960231"), Email: "money-advice.nlc@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Scottish Welfare Fund crisis grants", Phones: ph("Crisis grants", "01632960232"), Hours: "Monday to Friday, 9am to 4pm", Notes: "Emergency help with essential costs.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Fast-track referrals from housing staff", Phones: ph("Referrals", "01632960233"), Email: "money-advice-referrals.nlc@example.org", Hours: "Monday to Friday, 9am to 4pm", Notes: "Priority appointments for households affected by domestic abuse.", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:    "lanarkshire-family-law-clinic",
		Name:    "Lanarkshire Family Law Clinic",
		Kind:    KindLegal,
		Summary: "Free first legal advice on protective orders, interdicts, child contact and separation for people affected by domestic abuse.",
		Description: "A solicitor can explain the legal protection available to you, such as an interdict or an exclusion order, what happens about your home and children, and whether you can get legal aid. " +
			"Appointments can be by phone so you do not have to travel. " + demoFakeOrg,
		Website:       "https://family-law-clinic.example.org",
		Email:         "appointments.family-law-clinic@example.org",
		Phone:         "01632960261",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone affected by domestic abuse in Lanarkshire; legal aid checked at the first appointment.",
		OpeningHours:  "Monday to Friday, 9:30am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "solicitor lawyer legal aid interdict non-harassment order exclusion order injunction child contact divorce separation",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"legal-and-injunctions"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Appointments", Phones: ph("Appointments", "01632960261"), Email: "appointments.family-law-clinic@example.org", Hours: "Monday to Friday, 9:30am to 5pm", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Urgent protective orders", Phones: ph("Urgent line", "01632960262"), Hours: "Monday to Friday, 9:30am to 5pm", Notes: "Same-day advice where an urgent interdict may be needed.", Kind: ContactGeneral, Visibility: Public},
		},
	},

	// ---------------------------------------------------------------- registered social landlords
	{
		Slug:          "clyde-valley-housing-association",
		Name:          "Clyde Valley Housing Association",
		Kind:          KindRSL,
		Summary:       "Housing association with homes across North Lanarkshire. Tenants experiencing domestic abuse can ask for a confidential conversation about safety, security and moving.",
		Description:   "If you are a tenant and you are experiencing domestic abuse, you can speak to a housing officer in confidence. They can talk about making your home more secure, a move to another home, and putting you in touch with specialist support. " + demoFictional,
		Website:       "https://clyde-valley-ha.example.org",
		Email:         "customers.clyde-valley-ha@example.org",
		Phone:         "01632960301",
		ReferralRoute: RouteSelf,
		Eligibility:   "Tenants and household members of the association's homes.",
		OpeningHours:  "Monday to Friday, 9am to 5pm; emergency repairs 24 hours.",
		Languages:     []string{"English"},
		Keywords:      "housing association landlord tenant rsl security lock change management transfer",
		Visibility:    Public,
		Areas:         []string{"motherwell", "wishaw", "bellshill", "airdrie", "coatbridge"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men", "older-people"},
		Contacts: []Contact{
			{RoleTitle: "Customer services", Phones: ph("Customer services", "01632960301"), Email: "customers.clyde-valley-ha@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Emergency repairs and lock changes", Phones: ph("Emergency repairs", "01632960302"), Hours: "24 hours", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Domestic abuse lead officer", PersonName: "Kai Demo", Phones: ph("Direct line", "01632960303"), Email: "da-lead.clyde-valley-ha@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Liaises with the council's Housing Domestic Abuse Champions.", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:          "link-group",
		Name:          "Link Group",
		Kind:          KindRSL,
		Summary:       "Housing association and care provider. Tenants affected by domestic abuse can get tenancy support, home security measures and help to move.",
		Description:   "Speak to your housing officer if you are experiencing domestic abuse. You can ask for a private call or visit somewhere safe, and for support to stay in your home or to move. " + demoFictional,
		Website:       "https://link-group.example.org",
		Email:         "customers.link-group@example.org",
		Phone:         "01414960311",
		ReferralRoute: RouteSelf,
		Eligibility:   "Tenants and household members.",
		OpeningHours:  "Monday to Friday, 8:30am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "housing association landlord tenant rsl tenancy support",
		Visibility:    Public,
		Areas:         []string{"cumbernauld", "kilsyth", "coatbridge", "motherwell"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men"},
		Contacts: []Contact{
			{RoleTitle: "Customer contact centre", Phones: ph("Contact centre", "01414960311"), Email: "customers.link-group@example.org", Hours: "Monday to Friday, 8:30am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Tenancy sustainment team", Phones: ph("Tenancy sustainment", "01414960312"), Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Domestic abuse lead officer", PersonName: "Sasha Example", Phones: ph("Direct line", "01414960313"), Email: "da-lead.link-group@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:          "loretto-housing",
		Name:          "Loretto Housing Association (Wheatley Group)",
		Kind:          KindRSL,
		Summary:       "Housing association in the Wheatley Group. Tenants experiencing domestic abuse can ask their housing officer for support, security and rehousing options.",
		Description:   "If you rent your home from the association and are experiencing domestic abuse, your housing officer can help you stay safe in your home or plan a move, and can refer you to specialist support. " + demoFictional,
		Website:       "https://loretto-housing.example.org",
		Email:         "customers.loretto@example.org",
		Phone:         "01414960321",
		ReferralRoute: RouteSelf,
		Eligibility:   "Tenants and household members.",
		OpeningHours:  "Monday to Friday, 8am to 6pm.",
		Languages:     []string{"English"},
		Keywords:      "housing association landlord tenant rsl wheatley",
		Visibility:    Public,
		Areas:         []string{"coatbridge", "airdrie", "motherwell"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men", "disabled-people"},
		Contacts: []Contact{
			{RoleTitle: "Customer services", Phones: ph("Customer services", "01414960321"), Email: "customers.loretto@example.org", Hours: "Monday to Friday, 8am to 6pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Housing officer duty line", Phones: ph("Duty line", "01414960322"), Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:          "home-group-scotland",
		Name:          "Home Group Scotland",
		Kind:          KindRSL,
		Summary:       "Housing association and supported housing provider. Customers affected by domestic abuse can ask for a confidential conversation and support.",
		Description:   "You can tell any member of staff that you are experiencing domestic abuse. They will listen, talk through your options, and with your agreement put you in touch with specialist support. " + demoFictional,
		Website:       "https://home-group-scotland.example.org",
		Email:         "customers.home-group@example.org",
		Phone:         "01632960331",
		ReferralRoute: RouteSelf,
		Eligibility:   "Customers and household members.",
		OpeningHours:  "Monday to Friday, 8am to 6pm.",
		Languages:     []string{"English"},
		Keywords:      "housing association landlord tenant rsl supported housing",
		Visibility:    Public,
		Areas:         []string{"wishaw", "shotts", "bellshill"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Customer services", Phones: ph("Customer services", "01632960331"), Email: "customers.home-group@example.org", Hours: "Monday to Friday, 8am to 6pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Neighbourhood officer", Phones: ph("Neighbourhood officer", "01632960332"), Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Domestic abuse lead officer", PersonName: "Blake Sample", Phones: ph("Direct line", "01632960333"), Email: "da-lead.home-group@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:          "blue-triangle-housing-association",
		Name:          "Blue Triangle Housing Association",
		Kind:          KindRSL,
		Summary:       "Supported accommodation and housing support for people who are homeless or at risk of homelessness, including young people.",
		Description:   "Blue Triangle provides supported accommodation and support in the community for people who have lost, or are at risk of losing, their home, including young people leaving an unsafe home. Referrals usually come through the council's homelessness service. " + demoFictional,
		Website:       "https://blue-triangle.example.org",
		Email:         "referrals.blue-triangle@example.org",
		Phone:         "01414960341",
		ReferralRoute: RouteProfessional,
		Eligibility:   "People aged 16 and over who are homeless or at risk, usually referred by the council's homelessness service.",
		OpeningHours:  "Office Monday to Friday, 9am to 5pm; supported accommodation staffed 24 hours.",
		Languages:     []string{"English"},
		Keywords:      "supported accommodation homeless young people hostel housing support rsl",
		Visibility:    Public,
		Areas:         []string{"motherwell", "airdrie", "coatbridge", "cumbernauld"},
		Categories:    []string{"refuge-and-accommodation", "housing-advice", "children-and-young-people"},
		Audiences:     []string{"children-and-young-people", "women", "men"},
		Contacts: []Contact{
			{RoleTitle: "Referrals and enquiries", Phones: ph("Referrals", "01414960341"), Email: "referrals.blue-triangle@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Young people's services", Phones: ph("Young people", "01414960342"), Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Service manager (North Lanarkshire)", PersonName: "Reese Placeholder", Phones: []Phone{{Label: "Office", Number: "01414960343"}, {Label: "On-call mobile", Number: "07700900343"}}, Email: "nl-manager.blue-triangle@example.org", Hours: "Monday to Friday, 9am to 5pm; on call evenings", Kind: ContactGeneral, Visibility: Staff},
		},
	},
	{
		Slug:          "abronhill-housing-association",
		Name:          "Abronhill Housing Association",
		Kind:          KindRSL,
		Summary:       "Community-based housing association in Cumbernauld. Tenants experiencing domestic abuse can speak to a housing officer in confidence.",
		Description:   "As a small community landlord we know our tenants. If you are experiencing domestic abuse you can ask to speak to a housing officer privately, by phone or in person, about staying safe in your home or moving. " + demoFictional,
		Website:       "https://abronhill-ha.example.org",
		Email:         "office.abronhill-ha@example.org",
		Phone:         "01632960351",
		ReferralRoute: RouteSelf,
		Eligibility:   "Tenants and household members.",
		OpeningHours:  "Monday to Friday, 9am to 4:30pm.",
		Languages:     []string{"English"},
		Keywords:      "housing association community landlord tenant rsl cumbernauld",
		Visibility:    Public,
		Areas:         []string{"cumbernauld"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"women", "men", "older-people"},
		Contacts: []Contact{
			{RoleTitle: "Office", Phones: ph("Office", "01632960351"), Email: "office.abronhill-ha@example.org", Hours: "Monday to Friday, 9am to 4:30pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Housing services manager", PersonName: "Ellis Demo", Phones: ph("Direct line", "01632960352"), Email: "housing-manager.abronhill-ha@example.org", Hours: "Monday to Friday, 9am to 4:30pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:          "trust-housing-association",
		Name:          "Trust Housing Association",
		Kind:          KindRSL,
		Summary:       "Housing for older people. Abuse can happen at any age: tenants can talk to their housing or support staff in confidence.",
		Description:   "Domestic abuse affects older people too, including abuse by a partner, an adult child or another family member. If this is happening to you, you can speak to your housing or support staff in confidence. " + demoFictional,
		Website:       "https://trust-ha.example.org",
		Email:         "customers.trust-ha@example.org",
		Phone:         "01314960361",
		ReferralRoute: RouteSelf,
		Eligibility:   "Tenants of the association's retirement and amenity housing.",
		OpeningHours:  "Monday to Friday, 9am to 5pm.",
		Languages:     []string{"English"},
		Keywords:      "older people retirement housing elder abuse sheltered housing rsl",
		Visibility:    Public,
		Areas:         []string{"motherwell", "airdrie", "kilsyth"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"older-people"},
		Contacts: []Contact{
			{RoleTitle: "Customer services", Phones: ph("Customer services", "01314960361"), Email: "customers.trust-ha@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Safeguarding lead", PersonName: "Lennox Example", Phones: ph("Direct line", "01314960362"), Email: "safeguarding.trust-ha@example.org", Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},
	{
		Slug:          "blackwood-homes-and-care",
		Name:          "Blackwood Homes and Care",
		Kind:          KindRSL,
		Summary:       "Accessible housing and care for disabled people. Tenants experiencing abuse, including from a carer or family member, can get confidential support.",
		Description:   "If someone who lives with you or cares for you is hurting, controlling or frightening you, you can tell your housing or care staff. They will help you find support that works with your access needs. " + demoFictional,
		Website:       "https://blackwood.example.org",
		Email:         "customers.blackwood@example.org",
		Phone:         "01314960371",
		ReferralRoute: RouteSelf,
		Eligibility:   "Tenants and people receiving care.",
		OpeningHours:  "Monday to Friday, 9am to 5pm; care staff 24 hours in some developments.",
		Languages:     []string{"English", "British Sign Language"},
		Keywords:      "accessible housing disability wheelchair care support rsl carer abuse",
		Visibility:    Public,
		Areas:         []string{"motherwell", "cumbernauld", "coatbridge"},
		Categories:    []string{"housing-advice"},
		Audiences:     []string{"disabled-people", "older-people"},
		Contacts: []Contact{
			{RoleTitle: "Customer services", Phones: ph("Customer services", "01314960371"), Email: "customers.blackwood@example.org", Hours: "Monday to Friday, 9am to 5pm", Notes: "Text relay and BSL video relay calls welcome.", Kind: ContactGeneral, Visibility: Public},
			{RoleTitle: "Housing officer duty line", Phones: ph("Duty line", "01314960372"), Hours: "Monday to Friday, 9am to 5pm", Kind: ContactReferralPoint, Visibility: Staff},
		},
	},

	// ---------------------------------------------------------------- national services (real numbers)
	{
		Slug:          "scotlands-domestic-abuse-and-forced-marriage-helpline",
		Name:          "Scotland's Domestic Abuse and Forced Marriage Helpline",
		Kind:          KindHelpline,
		Summary:       "Free, confidential support for anyone affected by domestic abuse or forced marriage in Scotland, 24 hours a day. Interpreters available. Run by Scottish Women's Aid.",
		Description:   "Call free, day or night, if you are experiencing domestic abuse or forced marriage, or are worried about someone who is. The helpline can listen, help you think about your safety and put you in touch with local services such as Women's Aid and refuge. It also supports professionals. " + nationalNote,
		Website:       "https://sdafmh.org.uk",
		Phone:         "08000271234",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone in Scotland: survivors, family and friends, and professionals.",
		OpeningHours:  "24 hours a day, 7 days a week.",
		Open24h:       true,
		Languages:     []string{"English", "Interpreters for other languages"},
		Keywords:      "helpline 24 hour domestic abuse forced marriage scottish women's aid refuge support free confidential",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "forced-marriage-and-honour-based-abuse", "refuge-and-accommodation"},
		Audiences:     []string{"women", "men", "lgbt-plus", "children-and-young-people", "minority-ethnic-by-and-for"},
		Contacts: []Contact{
			{RoleTitle: "Helpline (free, 24 hours)", Phones: ph("Helpline", "08000271234"), Hours: "24 hours a day, 7 days a week", Notes: "Interpreters available. Calls are free.", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 20},
			{RoleTitle: "Email and web chat", Hours: "See the website", Notes: "Email and web chat are offered through the helpline's website. Think about who else can see your email or browser before you use them.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "rape-crisis-scotland",
		Name:          "Rape Crisis Scotland",
		Kind:          KindHelpline,
		Summary:       "Free, confidential helpline for anyone affected by sexual violence, no matter when or how it happened.",
		Description:   "If you have been raped or sexually assaulted, recently or a long time ago, you can call the helpline to talk, and they can put you in touch with your local rape crisis centre. Family, friends and workers can call too. " + nationalNote,
		Website:       "https://www.rapecrisisscotland.org.uk",
		Phone:         "08088010302",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone aged 13 and over affected by sexual violence, and people supporting them.",
		OpeningHours:  "Every day, 5pm to midnight.",
		Languages:     []string{"English", "Interpreters for other languages"},
		Keywords:      "rape sexual assault sexual abuse helpline text email support",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "sexual-violence"},
		Audiences:     []string{"women", "men", "lgbt-plus", "children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Helpline", Phones: ph("Helpline", "08088010302"), Hours: "Every day, 5pm to midnight", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 30},
			{RoleTitle: "Text, email and web chat", Hours: "See the website", Notes: "Other ways to get support, including for deaf and hard of hearing people, are listed on the website.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "respect-phoneline",
		Name:          "Respect Phoneline",
		Kind:          KindHelpline,
		Summary:       "Confidential helpline for people who are worried about their own abusive behaviour towards a partner or family member and want to change.",
		Description:   "If you have hurt or frightened a partner or family member, or you are worried about how you behave, the Respect Phoneline can talk to you about what is happening and what help there is to change. Professionals and partners can call too. " + nationalNote,
		Website:       "https://respectphoneline.org.uk",
		Phone:         "08088024040",
		ReferralRoute: RouteSelf,
		Eligibility:   "People who use abusive behaviour, and professionals working with them.",
		OpeningHours:  "Weekdays; check the website for current hours.",
		Languages:     []string{"English"},
		Keywords:      "perpetrator abuser behaviour change anger helpline respect",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "perpetrator-programmes"},
		Audiences:     []string{"people-who-cause-harm"},
		Contacts: []Contact{
			{RoleTitle: "Phoneline", Phones: ph("Phoneline", "08088024040"), Hours: "Weekdays; check the website", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Web chat and email", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "mens-advice-line",
		Name:          "Men's Advice Line",
		Kind:          KindHelpline,
		Summary:       "Confidential helpline for men experiencing domestic abuse from a partner, ex-partner or family member.",
		Description:   "Men can be abused too, by partners of any gender. The Men's Advice Line offers emotional support and practical advice, and can tell you about services that can help. " + nationalNote,
		Website:       "https://mensadviceline.org.uk",
		Phone:         "08088010327",
		ReferralRoute: RouteSelf,
		Eligibility:   "Men experiencing domestic abuse, and people worried about them.",
		OpeningHours:  "Weekdays; check the website for current hours.",
		Languages:     []string{"English"},
		Keywords:      "male victims men abused helpline domestic abuse",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline"},
		Audiences:     []string{"men"},
		Contacts: []Contact{
			{RoleTitle: "Helpline", Phones: ph("Helpline", "08088010327"), Hours: "Weekdays; check the website", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 70},
			{RoleTitle: "Web chat and email", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "galop",
		Name:          "Galop: LGBT+ Domestic Abuse Helpline",
		Kind:          KindHelpline,
		Summary:       "Helpline for lesbian, gay, bisexual, trans and queer people experiencing domestic abuse, including from family members.",
		Description:   "Galop's helpline is run by LGBT+ people for LGBT+ people. You can talk about abuse from a partner or family, including abuse about your sexuality or gender identity, and get help to find safe support. " + nationalNote,
		Website:       "https://galop.org.uk",
		Phone:         "08009995428",
		ReferralRoute: RouteSelf,
		Eligibility:   "LGBT+ people experiencing abuse, and people supporting them.",
		OpeningHours:  "Check the website for current hours.",
		Languages:     []string{"English"},
		Keywords:      "lgbt lgbtq gay lesbian bisexual trans queer helpline domestic abuse conversion practices",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline"},
		Audiences:     []string{"lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "LGBT+ Domestic Abuse Helpline", Phones: ph("Helpline", "08009995428"), Hours: "Check the website", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 80},
			{RoleTitle: "Web chat and email", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "national-stalking-helpline",
		Name:          "National Stalking Helpline",
		Kind:          KindHelpline,
		Summary:       "Advice and support for anyone affected by stalking or harassment. Run by the Suzy Lamplugh Trust.",
		Description:   "If someone is repeatedly following, contacting, watching or threatening you, including online, you can get advice about staying safe, keeping evidence and reporting it. " + nationalNote,
		Website:       "https://www.suzylamplugh.org",
		Phone:         "08088020300",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone affected by stalking, and people supporting them.",
		OpeningHours:  "Weekdays, daytime; check the website for current hours.",
		Languages:     []string{"English"},
		Keywords:      "stalking harassment following cyberstalking online tracking helpline",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "stalking"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Helpline", Phones: ph("Helpline", "08088020300"), Hours: "Weekdays; check the website", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 90},
			{RoleTitle: "Online advice form", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "shakti-womens-aid",
		Name:          "Shakti Women's Aid",
		Kind:          KindDAAgency,
		Summary:       "By-and-for support for Black and minority ethnic women, children and young people experiencing domestic abuse, forced marriage and honour-based abuse.",
		Description:   "Shakti supports Black and minority ethnic women, children and young people who are experiencing, or have experienced, domestic abuse, including forced marriage and so-called honour-based abuse, and can help with immigration and no recourse to public funds. " + outOfHours + " " + nationalNote,
		Website:       "https://shaktiedinburgh.co.uk",
		Phone:         "01314752399",
		ReferralRoute: RouteBoth,
		Eligibility:   "Black and minority ethnic women, children and young people.",
		OpeningHours:  "Office hours; check the website.",
		Languages:     []string{"English", "Interpreters for other languages"},
		Keywords:      "bme black minority ethnic by and for forced marriage honour based violence fgm no recourse to public funds nrpf immigration",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"outreach", "refuge-and-accommodation", "forced-marriage-and-honour-based-abuse", "fgm"},
		Audiences:     []string{"women", "children-and-young-people", "minority-ethnic-by-and-for"},
		Contacts: []Contact{
			{RoleTitle: "Office and referrals", Phones: ph("Office", "01314752399"), Hours: "Office hours", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Forced marriage and honour-based abuse support", Phones: ph("Office", "01314752399"), Hours: "Office hours", Notes: "Ask for support about forced marriage or honour-based abuse.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "hemat-gryffe-womens-aid",
		Name:          "Hemat Gryffe Women's Aid",
		Kind:          KindDAAgency,
		Summary:       "Refuge and support for Asian, Black and minority ethnic women and their children experiencing domestic abuse, forced marriage or honour-based abuse.",
		Description:   "Hemat Gryffe offers refuge accommodation and outreach support for Asian, Black and minority ethnic women and their children, with workers who understand your culture and language. " + outOfHours + " " + nationalNote,
		Website:       "https://www.hematgryffe.org.uk",
		Phone:         "01413530859",
		ReferralRoute: RouteBoth,
		Eligibility:   "Asian, Black and minority ethnic women and their children.",
		OpeningHours:  "Office hours; check the website.",
		Languages:     []string{"English", "Interpreters for other languages"},
		Keywords:      "bme asian black minority ethnic by and for refuge forced marriage honour based violence",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"refuge-and-accommodation", "outreach", "forced-marriage-and-honour-based-abuse"},
		Audiences:     []string{"women", "children-and-young-people", "minority-ethnic-by-and-for"},
		Contacts: []Contact{
			{RoleTitle: "Office and referrals", Phones: ph("Office", "01413530859"), Hours: "Office hours", Kind: ContactReferralPoint, Visibility: Public},
			{RoleTitle: "Children and young people's support", Phones: ph("Office", "01413530859"), Hours: "Office hours", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "samaritans",
		Name:          "Samaritans",
		Kind:          KindHelpline,
		Summary:       "Someone to talk to, day or night, if you are struggling or having thoughts of harming yourself. Calls are free.",
		Description:   "Samaritans volunteers listen without judging. You can call about anything that is troubling you, including abuse, at any time. " + nationalNote,
		Website:       "https://www.samaritans.org",
		Phone:         "116123",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone.",
		OpeningHours:  "24 hours a day, 7 days a week.",
		Open24h:       true,
		Languages:     []string{"English"},
		Keywords:      "suicide self harm crisis listening emotional support mental health 24 hour",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "mental-health-crisis"},
		Audiences:     []string{"women", "men", "lgbt-plus", "children-and-young-people", "older-people"},
		Contacts: []Contact{
			{RoleTitle: "Helpline (free, 24 hours)", Phones: ph("Helpline", "116123"), Hours: "24 hours a day", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 100},
			{RoleTitle: "Email and other ways to get in touch", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "childline",
		Name:          "Childline",
		Kind:          KindHelpline,
		Summary:       "Free, confidential help for children and young people under 19, by phone or online, any time.",
		Description:   "If you are a child or young person and something is worrying you, including what is happening at home, you can talk to a Childline counsellor. It is free and will not show on the phone bill. " + nationalNote,
		Website:       "https://www.childline.org.uk",
		Phone:         "08001111",
		ReferralRoute: RouteSelf,
		Eligibility:   "Children and young people under 19.",
		OpeningHours:  "24 hours a day, 7 days a week.",
		Open24h:       true,
		Languages:     []string{"English"},
		Keywords:      "children young people kids teenagers helpline counsellor nspcc",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "children-and-young-people"},
		Audiences:     []string{"children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Helpline (free, 24 hours)", Phones: ph("Helpline", "08001111"), Hours: "24 hours a day", Kind: ContactHelpline, Visibility: Public, IsKey: true, KeyOrder: 105},
			{RoleTitle: "1-2-1 online chat", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "citizens-advice-scotland",
		Name:          "Citizens Advice Scotland",
		Kind:          KindOther,
		Summary:       "Free, impartial advice on money, benefits, debt, housing and legal problems, by phone or at local bureaux across North Lanarkshire.",
		Description:   "Citizens Advice can help you work out what money and benefits you can get, deal with debts and understand your rights about housing and separation. Local Citizens Advice Bureaux in North Lanarkshire offer appointments in person. " + nationalNote,
		Website:       "https://www.cas.org.uk",
		Phone:         "08000281456",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone in Scotland.",
		OpeningHours:  "Weekdays; check the website for current hours.",
		Languages:     []string{"English", "Interpreters for other languages"},
		Keywords:      "citizens advice bureau cab money advice benefits debt housing rights legal",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"money-and-benefits", "housing-advice", "legal-and-injunctions"},
		Audiences:     []string{"women", "men", "older-people", "disabled-people"},
		Contacts: []Contact{
			{RoleTitle: "Advice helpline", Phones: ph("Helpline", "08000281456"), Hours: "Weekdays; check the website", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Local bureaux in North Lanarkshire", Hours: "See the website", Notes: "Find your nearest bureau on the Citizens Advice Scotland website.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "scottish-womens-rights-centre",
		Name:          "Scottish Women's Rights Centre",
		Kind:          KindLegal,
		Summary:       "Free legal information and advice, and advocacy, for women affected by gender-based violence in Scotland.",
		Description:   "Solicitors and advocacy workers can answer questions about your legal options, such as protective orders, child contact and the criminal justice process, free of charge. " + nationalNote,
		Website:       "https://www.scottishwomensrightscentre.org.uk",
		Phone:         "08088010789",
		ReferralRoute: RouteSelf,
		Eligibility:   "Women in Scotland affected by gender-based violence.",
		OpeningHours:  "Check the website for current helpline times.",
		Languages:     []string{"English"},
		Keywords:      "legal advice solicitor women's rights protective order interdict court advocacy",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"legal-and-injunctions", "helpline"},
		Audiences:     []string{"women"},
		Contacts: []Contact{
			{RoleTitle: "Legal helpline", Phones: ph("Helpline", "08088010789"), Hours: "Check the website", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Advocacy service", Hours: "See the website", Notes: "Support through the justice process.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "breathing-space",
		Name:          "Breathing Space",
		Kind:          KindHelpline,
		Summary:       "Free, confidential phone line for people in Scotland feeling low, anxious or stressed.",
		Description:   "If you are struggling with low mood, anxiety or stress, Breathing Space advisers will listen and can suggest other help. " + nationalNote,
		Website:       "https://breathingspace.scot",
		Phone:         "0800838587",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone in Scotland aged 16 and over.",
		OpeningHours:  "Monday to Thursday, 6pm to 2am; Friday 6pm to Monday 6am.",
		Languages:     []string{"English"},
		Keywords:      "mental health low mood anxiety depression stress listening",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline", "mental-health-crisis"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Phone line", Phones: ph("Phone line", "0800838587"), Hours: "Evenings; 24 hours at weekends", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Web chat", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "nhs-24",
		Name:          "NHS 24",
		Kind:          KindHealth,
		Summary:       "Urgent health advice when your GP practice is closed, including the mental health hub. Call 111.",
		Description:   "Call 111 if you need urgent medical advice and it cannot wait until your GP practice opens, or if you need urgent help with your mental health. In an emergency call 999. " + nationalNote,
		Website:       "https://www.nhs24.scot",
		Phone:         "111",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone in Scotland.",
		OpeningHours:  "24 hours a day, 7 days a week.",
		Open24h:       true,
		Languages:     []string{"English", "Interpreters for other languages"},
		Keywords:      "nhs 111 urgent care out of hours doctor mental health hub",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"health", "mental-health-crisis"},
		Audiences:     []string{"women", "men", "lgbt-plus", "children-and-young-people", "older-people", "disabled-people"},
		Contacts: []Contact{
			{RoleTitle: "NHS 24 (111)", Phones: ph("NHS 24", "111"), Hours: "24 hours a day", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Mental health hub", Phones: ph("Call 111 and choose the mental health option", "111"), Hours: "24 hours a day", Kind: ContactHelpline, Visibility: Public},
		},
	},
	{
		Slug:          "shelter-scotland",
		Name:          "Shelter Scotland",
		Kind:          KindHelpline,
		Summary:       "Free housing advice helpline for anyone in Scotland who is homeless, at risk of losing their home or needs to leave an unsafe home.",
		Description:   "Shelter Scotland advisers can explain your rights if you need to leave your home because of abuse, what the council must do to help, and how to challenge a decision. " + nationalNote,
		Website:       "https://scotland.shelter.org.uk",
		Phone:         "08088004444",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone in Scotland.",
		OpeningHours:  "Check the website for current hours.",
		Languages:     []string{"English"},
		Keywords:      "housing advice homeless homelessness rights eviction council duty",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"housing-advice", "helpline"},
		Audiences:     []string{"women", "men", "lgbt-plus"},
		Contacts: []Contact{
			{RoleTitle: "Housing advice helpline", Phones: ph("Helpline", "08088004444"), Hours: "Check the website", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Online advice", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "victim-support-scotland",
		Name:          "Victim Support Scotland",
		Kind:          KindOther,
		Summary:       "Free support for people affected by crime, including help before, during and after going to court.",
		Description:   "Victim Support Scotland can give you emotional and practical support after a crime, whether or not you have reported it, and can support you if you are a witness in court. " + nationalNote,
		Website:       "https://victimsupport.scot",
		Phone:         "08001601985",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone affected by crime in Scotland, and witnesses.",
		OpeningHours:  "Check the website for current hours.",
		Languages:     []string{"English"},
		Keywords:      "victim witness court support crime",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"police-and-justice"},
		Audiences:     []string{"women", "men", "lgbt-plus", "older-people"},
		Contacts: []Contact{
			{RoleTitle: "Helpline", Phones: ph("Helpline", "08001601985"), Hours: "Check the website", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Witness service", Hours: "See the website", Notes: "Support for witnesses at court.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "forced-marriage-unit",
		Name:          "Forced Marriage Unit (UK Government)",
		Kind:          KindOther,
		Summary:       "Advice and support for anyone facing or worried about a forced marriage, including British nationals overseas.",
		Description:   "The Forced Marriage Unit can give advice if you, or someone you know, is being forced to marry, in the UK or abroad, and can help British nationals overseas. In Scotland you can also call Scotland's Domestic Abuse and Forced Marriage Helpline on 0800 027 1234 at any time. " + nationalNote,
		Website:       "https://www.gov.uk/guidance/forced-marriage",
		Phone:         "02070080151",
		ReferralRoute: RouteBoth,
		Eligibility:   "Anyone facing or worried about forced marriage, and professionals.",
		OpeningHours:  "Weekdays, office hours; check the website.",
		Languages:     []string{"English"},
		Keywords:      "forced marriage overseas abroad honour based abuse fmu",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"forced-marriage-and-honour-based-abuse"},
		Audiences:     []string{"minority-ethnic-by-and-for", "women", "men", "children-and-young-people"},
		Contacts: []Contact{
			{RoleTitle: "Forced Marriage Unit", Phones: ph("Advice line", "02070080151"), Hours: "Weekdays, office hours", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "If you are abroad and in danger", Hours: "Any time", Notes: "Contact the nearest British embassy or consulate.", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "hourglass",
		Name:          "Hourglass",
		Kind:          KindHelpline,
		Summary:       "Helpline for older people experiencing abuse, including from a partner, family member or carer, and for anyone worried about an older person.",
		Description:   "Abuse of older people can be physical, emotional, financial or sexual, and is often by someone close. Hourglass can listen and help you work out what to do. " + nationalNote,
		Website:       "https://www.wearehourglass.org",
		Phone:         "08088088141",
		ReferralRoute: RouteSelf,
		Eligibility:   "Older people and anyone worried about an older person.",
		OpeningHours:  "24 hours a day, 7 days a week (check the website).",
		Open24h:       true,
		Languages:     []string{"English"},
		Keywords:      "elder abuse older people financial abuse carer abuse helpline",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"helpline"},
		Audiences:     []string{"older-people"},
		Contacts: []Contact{
			{RoleTitle: "Helpline", Phones: ph("Helpline", "08088088141"), Hours: "24 hours", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Community support in Scotland", Hours: "See the website", Kind: ContactGeneral, Visibility: Public},
		},
	},
	{
		Slug:          "crimestoppers",
		Name:          "Crimestoppers",
		Kind:          KindOther,
		Summary:       "Pass on information about crime anonymously. You will not be asked your name.",
		Description:   "If you know something about a crime but do not want to give your name, you can tell Crimestoppers by phone or online form. It is not for emergencies: call 999 if someone is in danger. " + nationalNote,
		Website:       "https://crimestoppers-uk.org",
		Phone:         "0800555111",
		ReferralRoute: RouteSelf,
		Eligibility:   "Anyone.",
		OpeningHours:  "24 hours a day, 7 days a week.",
		Open24h:       true,
		Languages:     []string{"English"},
		Keywords:      "anonymous report crime information",
		Visibility:    Public,
		Areas:         northLanarkshire,
		Categories:    []string{"police-and-justice"},
		Audiences:     []string{"women", "men"},
		Contacts: []Contact{
			{RoleTitle: "Anonymous phone line", Phones: ph("Crimestoppers", "0800555111"), Hours: "24 hours", Kind: ContactHelpline, Visibility: Public},
			{RoleTitle: "Anonymous online form", Hours: "Any time", Kind: ContactGeneral, Visibility: Public},
		},
	},
}
