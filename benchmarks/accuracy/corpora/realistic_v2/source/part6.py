# Hand-written texts, part 6. Each record: (genre, country, marked_text).
RECORDS = [
("support_ticket", "NO",
 "Hei!\n\nJeg får ikke logget inn i nettbanken etter at jeg byttet telefon i helgen. Brukernavn "
 "[[USERNAME:sigrid.haugland]], mobil [[PHONE_NUMBER:+47 912 48 377]]. Jeg har prøvd å aktivere BankID på nytt, men "
 "får feilkode C161. Fødselsnummer er [[NATIONAL_ID~no_fnr:220587374??]] hvis dere trenger det for å finne meg. "
 "Husleien skal betales fredag, så det haster litt.\n\nMvh [[PERSON:Sigrid Haugland]]"),

("crm_note", "UA",
 "Partner call with [[PERSON:Oleksandr Shevchuk]] (Lviv dev studio, 40 engineers). They would invoice through their "
 "Polish entity. Passport copy for KYC received: [[PASSPORT:FE482917]], valid to 2031. Prefers Telegram "
 "[[USERNAME:@oshevchuk_dev]] over email (GitHub: [[URL_PERSONAL:https://github.com/oshevchuk]]); phone [[PHONE_NUMBER:+380 93 481 2276]]. Next step: NDA, then a paid "
 "two-week pilot starting 8 July. Internal owner: [[PERSON:Marta Nowicka]]."),

("sms", "GB",
 "hi its [[PERSON:chloe]] from the order just now, can the rider drop it at [[STREET_ADDRESS:flat 2/1, 42 kelvin grove "
 "rd, glasgow g3 7sd]] instead? buzzer is broken so ring me on [[PHONE_NUMBER:07834 219 506]] when outside. thanks!!"),

("json_snippet", "XX",
 '{"id":"evt_3PQk2LmZ9x","type":"invoice.paid","created":1718450112,"data":{"amount_paid":4900,"currency":"gbp",'
 '"invoice":"in_1PQk2L","billing_reason":"subscription_cycle","lines":{"total_count":1}},"livemode":true,'
 '"api_version":"2024-04-10"}'),

("email", "BR",
 "Olá [[PERSON:Rafael]],\n\nsegue o comprovante do Pix de R$ 1.250,00 referente à segunda parcela do projeto. A chave "
 "que usei foi o seu e-mail, [[EMAIL_ADDRESS:rafael.monteiro.arq@gmail.com]]. Para a próxima parcela, prefere TED? Se "
 "sim, me confirme: agência 0341, conta corrente [[ACCOUNT_NUMBER:48213-7]], CPF do titular "
 "[[NATIONAL_ID~br_cpf:614.208.937-??]].\n\nAbraços,\n[[PERSON:Fernanda Oliveira]]\n[[STREET_ADDRESS:Rua das Laranjeiras, "
 "318, apto 1102 - Laranjeiras, Rio de Janeiro - RJ, 22240-003]]"),

("hr_note", "IT",
 "Colloquio di rientro con [[PERSON:Francesca Romano]] dopo la maternità. Nuovo orario part-time 30 ore, lunedì–giovedì. "
 "Aggiornare il cedolino: codice fiscale [[NATIONAL_ID~it_cf:RMNFNC87C45H501*]], residenza "
 "[[STREET_ADDRESS:Corso Buenos Aires 23, scala B, int. 9, 20124 Milano (MI)]]. Referente HR: [[PERSON:Paolo Conti]]. "
 "Rivedere il piano ferie di agosto con il suo responsabile."),

("app_log", "XX",
 "Jun 16 03:12:47 fw01 kernel: [48213.552] [UFW BLOCK] IN=eth0 OUT= SRC=[[IP_ADDRESS:203.0.113.201]] "
 "DST=[[IP_ADDRESS:192.168.1.20]] LEN=60 TTL=51 PROTO=TCP SPT=51544 DPT=22 WINDOW=64240 SYN"),

("shipping_label", "IN",
 "TO:\nMrs. [[PERSON:Lakshmi Narayanan]]\n[[STREET_ADDRESS:No. 14, 3rd Main Road, Gandhi Nagar, Adyar,\n"
 "Chennai - 600020]]\nPh: [[PHONE_NUMBER:044 2441 7358]]\nCOD: ₹ 1,249 | AWB 7731 0428 5516 | Wt 0.8 kg\n"
 "FROM: Kaveri Handlooms, Coimbatore"),

("llm_prompt", "US",
 "Here's a customer email. Write a short, empathetic reply that promises a refund within 5 business days and does not "
 "repeat any of the customer's personal details:\n\n'My name is [[PERSON:Hector Alvarez]] and I've been flying with you "
 "since 2015. My rewards number is [[ACCOUNT_NUMBER:RW-5541-2287-09]]. You charged my Amex "
 "[[CREDIT_CARD:3467 512093 8841?]] twice for the same El Paso to Denver flight on June 2. I've called three times. I "
 "live at [[STREET_ADDRESS:7719 Canyon View Dr, El Paso, TX 79912]] if you need to send anything, and my Texas DL is "
 "[[US_DRIVER_LICENSE:41827739]] if you need to verify me.'"),

("sms", "GB",
 "Tesco: Your Clubcard voucher of £7.50 is ready to use until 31 August. Scan it in store or enter the code at "
 "checkout online. Terms apply. Reply STOP to opt out."),

("chat_transcript", "EG",
 "[[USERNAME:omar_k]]: salam, anyone knows a good dentist in Maadi?\n[[USERNAME:noura.h]]: yes! Dr [[PERSON:Hesham "
 "Farouk]], clinic at [[STREET_ADDRESS:Road 9, Building 42, Maadi, Cairo]], 2nd floor, his page is "
 "[[URL_PERSONAL:facebook.com/dr.hesham.farouk.dental]]. tell him [[PERSON:noura]] sent u\n"
 "[[USERNAME:omar_k]]: thanks!! is he expensive?\n[[USERNAME:noura.h]]: normal prices, and he's very gentle with kids"),

("form_comment", "KR",
 "배송 메모: 부재 시 경비실에 맡겨주세요. 받는 분 [[PERSON:정하늘]], 연락처 [[PHONE_NUMBER:010-7731-2048]], 주소 "
 "[[STREET_ADDRESS:부산광역시 해운대구 센텀중앙로 97, 101동 1502호]]. 공동현관 호출 후 전화 주시면 내려갑니다."),

("payment_note", "DE",
 "Chargeback eingegangen: Visa [[CREDIT_CARD:4024 0071 8832 514?]], Karteninhaberin [[PERSON:Sabine Weiß]], Betrag "
 "249,00 EUR, Händler-Referenz ORD-DE-44121, Grund: 'Ware nicht erhalten'. Lieferadresse laut Bestellung: "
 "[[STREET_ADDRESS:Lindenstraße 8a, 50674 Köln]]. DHL-Zustellnachweis liegt vor, bitte Widerspruch bis 28.06. einreichen."),

("call_transcript", "IE",
 "AGENT: Broadband support, you're speaking with [[PERSON:Ciara]].\nCUSTOMER: Hi [[PERSON:Ciara]], it's [[PERSON:Pádraig "
 "Ó Súilleabháin]]. My broadband's been out since Tuesday.\nAGENT: Sorry about that, [[PERSON:Pádraig]]. Is that for "
 "the address [[STREET_ADDRESS:4 Glenageary Park, Dún Laoghaire, Co. Dublin, A96 X2K7]]?\nCUSTOMER: That's it.\nAGENT: "
 "There's a fault on the line, a technician can come Friday morning."),

("json_snippet", "CZ",
 '{"jmeno":"[[PERSON:Petr Svoboda]]","rodne_cislo":"[[NATIONAL_ID~cz_rc:790223/481?]]",'
 '"ucet":"[[IBAN_CODE:CZ?? 0800 0000 1920 4471 6532]]","psc":"[[ZIP_CODE:602 00]]","mesto":"Brno",'
 '"email":"[[EMAIL_ADDRESS:petr.svoboda@seznam.cz]]"}'),

("email", "AU",
 "G'day [[PERSON:Macca]],\n\nHere's the info for the footy tipping payout: [[PERSON:Lachlan McKenzie]], BSB 033-044, acc "
 "[[ACCOUNT_NUMBER:518 427 903]]. PayID is my mobile [[PHONE_NUMBER:0412 883 106]] if that's easier. And can you post "
 "the trophy to [[STREET_ADDRESS:14 brunswick st, fitzroy vic 3065]]? I'm not at the club till August.\n\nCheers,\n"
 "[[PERSON:Lachie]]"),

("crm_note", "NO",
 "Inbound lead via the webinar 'Scaling Support in 2025' (June 12). Company: Fjordline Shipping AS, ~300 employees, "
 "uses Zendesk today. Interested in the AI triage add-on and Norwegian language support. Assigned to the EMEA North "
 "queue; first call booked for Tuesday."),

("appointment_reminder", "ZA",
 "Hi [[PERSON:Naledi]], this is a reminder of your wellness screening at the Sandton City clinic on Mon 24 June at "
 "08:30. Please fast for 8 hours and bring your ID book. Member no. [[ACCOUNT_NUMBER:DV 4418 2093]]. Queries: "
 "[[PHONE_NUMBER:011 529 4410]]. If you can't make it, reply CANCEL before Friday 12:00."),

("hr_note", "ES",
 "Baja voluntaria de [[PERSON:Álvaro Sánchez-Villalobos]] con fecha 30/06. Su pareja, [[PERSON:Ioana Popescu]], NIE "
 "[[NATIONAL_ID~es_dni:Y3829417*]], sigue como beneficiaria del seguro médico hasta fin de mes. Enviar el finiquito y el "
 "certificado de empresa a [[STREET_ADDRESS:Calle Sierpes 48, 3º B, 41004 Sevilla]] y por correo a "
 "[[EMAIL_ADDRESS:alvaro.sv@gmail.com]]."),

("support_ticket", "DE",
 "Hi, someone is impersonating me on your platform and messaging my customers. My real profile: "
 "[[URL_PERSONAL:https://www.instagram.com/lina.bakes.berlin]]. The fake one is "
 "[[URL_PERSONAL:https://www.instagram.com/lina.bakes.berlin_]] (note the underscore at the end). It uses my photos and "
 "asks people to pay in advance. Please take it down. [[PERSON:Lina Hartmann]], [[EMAIL_ADDRESS:hallo@linabakes.example.de]]"),

("sms", "ID",
 "Yth. Bpk [[PERSON:Hendra Wijaya]], tagihan kartu kredit Anda sebesar Rp 4.812.000 jatuh tempo 25/06. Abaikan pesan "
 "ini jika sudah membayar. Info lebih lanjut hubungi call center yang tertera di balik kartu Anda."),

("shipping_instructions", "CN",
 "Consignee: [[PERSON:ZHANG Wei]], [[STREET_ADDRESS:Room 1206, Building 3, No. 88 Jianguo Road, Chaoyang District, "
 "Beijing 100022]]. Tel: [[PHONE_NUMBER:+86 186 1047 3329]]. Customs in China requires the consignee's ID number (身份证) "
 "for personal imports: [[NATIONAL_ID~cn_ric:11010519880412113^]]. Declared as personal use, value USD 180. Duties to "
 "be charged to UnionPay [[CREDIT_CARD:6212 2620 1048 7735 41?]]."),

("app_log", "XX",
 "2024-06-16 04:00:00 INFO scheduler: rotated logs for services (auth, billing, search); compressed 3.4 GB to 410 MB; "
 "oldest kept 2024-05-17; next rotation Sunday 04:00 UTC; node=sched-2 version=1.9.4"),

("llm_prompt", "SE",
 "Översätt till engelska och behåll tonen: 'Hej, jag heter [[PERSON:Björn Lindqvist]] och bor på "
 "[[STREET_ADDRESS:Kungsgatan 12, lgh 1103, 411 19 Göteborg]]. Jag vill säga upp mitt abonnemang från och med nästa "
 "månad, kundnummer [[ACCOUNT_NUMBER:7702418]]. Bekräfta gärna till [[EMAIL_ADDRESS:bjorn.lindqvist@telia.com]].'"),

("chat_transcript", "NL",
 "Medewerker ([[PERSON:Fleur]]): Goedemiddag, hoe kan ik u helpen?\nKlant: hoi, ik ben [[PERSON:joost]], ik heb een vraag "
 "over mijn factuur van mei, er staat een bedrag op dat ik niet herken\nMedewerker ([[PERSON:Fleur]]): Natuurlijk! Wat "
 "is uw klantnummer?\nKlant: [[ACCOUNT_NUMBER:20488173]]\nMedewerker ([[PERSON:Fleur]]): Dank u. Dat is de eenmalige "
 "installatiekosten van € 49."),

("payment_note", "TR",
 "İade talimatı: [[PERSON:Burak Demir]] adına [[IBAN_CODE:TR?? 0006 2000 1230 0006 2987 43]] hesabına 1.450,00 TL. "
 "Sipariş TR-99120, kargo hasarlı teslim edilmiş. Onaylayan: [[PERSON:Selin Aydın]]. Müşteriye SMS ile bilgi verildi. "
 "E-posta: [[EMAIL_ADDRESS:burak.demir@gmail.com]], tel. [[PHONE_NUMBER:0532 714 28 93]]."),

("email", "PL",
 "Cześć [[PERSON:Kasia]],\n\nprzesyłam dane do umowy najmu: [[PERSON:Bartosz Wiśniewski]], PESEL "
 "[[NATIONAL_ID~pl_pesel:9103140887?]], dowód osobisty [[NATIONAL_ID~pl_dowod:AYD ?82917]]. Kaucję przeleję jutro z konta "
 "[[IBAN_CODE:PL?? 1020 1026 0000 0402 0314 7732]]. Mój numer: [[PHONE_NUMBER:793 418 266]]. Klucze odbiorę w sobotę.\n\nPozdro,\n[[PERSON:Bartek]]"),

("form_comment", "US",
 "I can't remember if my login is [[USERNAME:gary.h.1962]] or [[USERNAME:garyholt62]]. I tried the password "
 "[[SECRET:Bulldogs1962]] on both and got locked out. Please reset it and send the link to my wife's email "
 "[[EMAIL_ADDRESS:peggy.holt@comcast.net]], mine doesn't work anymore. The account is under my SSN "
 "[[US_SSN:253-71-8864]], zip [[ZIP_CODE:31204]]. Thanks, [[PERSON:Gary Holt]], Macon GA"),

("hr_note", "SA",
 "Iqama renewal due for [[PERSON:Rizwan Ahmed Qureshi]] (Iqama [[NATIONAL_ID~sa_id:248173905?]]) before 18 July. "
 "Passport [[PASSPORT:BN4718293]] (Pakistan) valid until 2029, copy on file. Medical insurance card to be renewed at "
 "the same time. Sponsor file SPN-2209, PRO: [[PERSON:Faisal]]."),

("appointment_reminder", "PT",
 "Olá [[PERSON:Miguel]], lembramos a sua consulta de oftalmologia na clínica da [[STREET_ADDRESS:Av. da Liberdade 190, "
 "4.º, 1250-147 Lisboa]], dia 26/06 às 15h. Traga a lista de medicação. NIF para a fatura: "
 "[[NATIONAL_ID~pt_nif:26418730?]]. Para desmarcar: [[PHONE_NUMBER:213 524 810]]."),

("form_comment", "BR",
 "The checkout page in Brazil shows prices in USD instead of BRL since the June release (v7.12). Tested with Pix and "
 "boleto on Chrome and the Android app. Our account manager at Adyen confirmed the currency setting is correct on their side. Please fix before Black "
 "Friday planning starts in September."),

("json_snippet", "IE",
 '{"customer":{"name":"[[PERSON:Róisín Byrne]]","eircode":"[[ZIP_CODE:T12 K8AF]]","mobile":"[[PHONE_NUMBER:087 614 2290]]",'
 '"pps":"[[NATIONAL_ID~ie_pps:5538214^]]","dob":"[[DATE_OF_BIRTH:1995-10-30]]"},"tariff":"Smart Night","status":"active"}'),

("call_transcript", "KE",
 "Agent: Customer care, [[PERSON:Faith]] speaking.\nCaller: Hello [[PERSON:Faith]], my name is [[PERSON:Kipchoge Rotich]]. "
 "My line [[PHONE_NUMBER:0710 482 375]] was swapped to a new SIM without my consent yesterday.\nAgent: I'm sorry to "
 "hear that. Please confirm your ID number.\nCaller: [[NATIONAL_ID:31582704]].\nAgent: Thank you. I have blocked the "
 "new SIM and raised fraud case FR-2219."),

("shipping_instructions", "US",
 "Ship to: [[PERSON:Ruth Ann Calloway]], [[STREET_ADDRESS:PO Box 118, Moose Pass, AK 99631-0118]]. The post office "
 "won't accept FedEx or UPS, so use USPS Priority only. If there's a problem with the address, call "
 "[[PHONE_NUMBER:907-555-0172]], but the signal out here is bad, so leave a message. Pickup ID at the counter: Alaska DL "
 "[[US_DRIVER_LICENSE:7204581]]."),

("sms", "AR",
 "Hola! Soy [[PERSON:Flor]] de la inmobiliaria. El depto de [[STREET_ADDRESS:Guatemala 4870, 2° A, Palermo, CABA]] se "
 "puede visitar mañana a las 11 hs. Traé DNI y recibo de sueldo. Confirmame al [[PHONE_NUMBER:+54 9 11 3841-2276]]."),

("support_ticket", "CY",
 "Γεια σας, είμαι ο [[PERSON:Χριστόδουλος Ιωάννου]] από τη Λευκωσία. Ο λογαριασμός ρεύματος "
 "[[ACCOUNT_NUMBER:01-4827193-07]] έρχεται σε λάθος διεύθυνση εδώ και δύο μήνες. Η σωστή είναι "
 "[[STREET_ADDRESS:Λεωφόρος Στασίνου 24, Διαμ. 301, 1060 Λευκωσία]]. Τηλ. [[PHONE_NUMBER:99 518274]]."),

("email", "XX",
 "Hi team,\n\nThe Q3 roadmap review moves from Tuesday to Thursday 10:00 (Paris time). Please update the Jira epics "
 "PLAT-210 to PLAT-236 beforehand and bring the Grafana dashboards. Release 3.9 is frozen on 19 July. The on-call rota for August is in PagerDuty; swap requests by 25 July.\n\nThanks!"),

("crm_note", "MY",
 "Follow-up with Encik [[PERSON:Faizal bin Rahman]] re: the fleet telematics pilot (12 lorries, Klang depot). His email "
 "[[EMAIL_ADDRESS:faizal.rahman@lorrylink.example.my]], HP [[PHONE_NUMBER:012-418 7295]]. Quote in MYR, include SST, "
 "and a Bahasa Malaysia version of the driver app guide."),

("app_log", "XX",
 '2024-06-16T13:45:20Z ERROR maps.geocode status=REQUEST_DENIED key=[[SECRET:AIzaSyD4kQ9vR2mXpLt7WbZs8Nc3YdHq1Fj6Ae0]] '
 'caller=[[EMAIL_ADDRESS:svc-geocoder@atlas-prod.iam.gserviceaccount.com]] query="Berlin Hbf" quota_project=atlas-prod'),

("llm_prompt", "KR",
 "Fill in this hotel registration card from the guest's message: 'Hi, I'm [[PERSON:Lee Ji-hoon]], Korean passport "
 "[[PASSPORT:M71842935]], born [[DATE_OF_BIRTH:1990.05.21]], arriving on KE 901 on June 28, checking out July 2. Phone "
 "[[PHONE_NUMBER:+82 10-2284-7391]], email [[EMAIL_ADDRESS:jihoon.lee@naver.com]]. Non-smoking room please.'"),
]
