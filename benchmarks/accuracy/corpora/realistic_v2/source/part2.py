# Hand-written texts, part 2. Each record: (genre, country, marked_text).
RECORDS = [
("support_ticket", "SA",
 "Customer [[PERSON:Abdullah bin Fahad Al-Qahtani]] reports that the login linked to his national ID fails since the "
 "app update. National ID [[NATIONAL_ID~sa_id:108472639?]], mobile [[PHONE_NUMBER:+966 55 318 4729]]. Delivery address "
 "(national address): [[STREET_ADDRESS:7425 King Fahd Road, Al Olaya District, Riyadh 12214 - 3254]]. Please escalate to "
 "tier 2, he has called three times."),

("email", "EG",
 "السيد [[PERSON:أحمد محمود السيد]]،\nنود إعلامكم بأن طلبكم رقم 55821 قد تم شحنه إلى العنوان: "
 "[[STREET_ADDRESS:١٥ شارع محمد محمود، جاردن سيتي، القاهرة 11451]].\nللاستفسار يرجى الاتصال على [[PHONE_NUMBER:+20 100 482 7316]]\n"
 "مع تحيات فريق خدمة العملاء"),

("app_log", "XX",
 "[2024-06-11 03:12:44] sshd[2213]: Accepted publickey for [[USERNAME:deploy_rk]] from [[IP_ADDRESS:203.0.113.58]] port 51822 "
 "ssh2: ED25519 SHA256:q1Vd7Jd0nH3kX2mFf8sK4cYt9LrPzW6aBvN5eGuT0Qo"),

("sms", "VN",
 "[[PERSON:Nguyễn Thị Thu Hà]] ơi, shipper đang ở đầu ngõ, chị ra nhận hàng giúp em nhé. Địa chỉ: "
 "[[STREET_ADDRESS:Số 27 Ngõ 84 Trần Quang Diệu, Ô Chợ Dừa, Đống Đa, Hà Nội]]. SĐT em [[PHONE_NUMBER:0912 738 405]]. "
 "Tiền thu hộ 350.000đ."),

("crm_note", "ID",
 "Lead dari pameran: Bpk. [[PERSON:Budi Santoso]], PT Sinar Jaya Abadi. Alamat kantor "
 "[[STREET_ADDRESS:Jl. Kemang Raya No. 18B, RT 005/RW 02, Bangka, Mampang Prapatan, Jakarta Selatan 12730]]. "
 "WA [[PHONE_NUMBER:0812-8431-2076]]. NIK untuk kontrak: [[NATIONAL_ID:3174051207830004]]. Minta penawaran 50 lisensi, "
 "follow up minggu depan."),

("json_snippet", "XX",
 '{"order_id":"A-20240611-7781","status":"shipped","carrier":"DHL Express","tracking":"JD014600003828401234",'
 '"eta":"2024-06-14","warehouse":"Venlo NL","items":[{"sku":"KB-MX-BLK","qty":1,"price":89.9}],"currency":"EUR"}'),

("hr_note", "CY",
 "Leave request approved for [[PERSON:Andreas Georgiou]] (Limassol office), 5–16 Aug. Payroll IBAN on file "
 "[[IBAN_CODE:CY?? 0020 0128 0000 0012 0052 7600]] unchanged. Handover to [[PERSON:Maria Charalambous]]. Contact while "
 "away: [[PHONE_NUMBER:+357 99 418273]]. Reminder: he must renew his passport ([[PASSPORT:K00418273]]) before the "
 "October trip to Athens."),

("shipping_label", "CZ",
 "Odesílatel: E-shop Kvítek s.r.o.\nPříjemce: [[PERSON:Tereza Dvořáková]]\n[[STREET_ADDRESS:Vinohradská 1511/230\n"
 "100 00 Praha 10]]\nTel.: [[PHONE_NUMBER:+420 732 418 906]]\nDobírka: 1 249 Kč | Zásilka č. Z 4418 2093 17"),

("payment_note", "PT",
 "Reembolso processado para [[PERSON:João Pedro Carvalho]], NIF [[NATIONAL_ID~pt_nif:23841795?]], IBAN "
 "[[IBAN_CODE:PT?? 0035 0651 0001 2345 678??]]. Valor: 42,30 €. Motivo: artigo danificado (encomenda PT-88312). "
 "Cliente avisado por email em 12/06; enviar comprovativo para [[EMAIL_ADDRESS:jp.carvalho@sapo.pt]]."),

("chat_transcript", "IL",
 "נציג ([[PERSON:דני]]): שלום, איך אפשר לעזור?\nלקוח: היי, זו [[PERSON:מיכל לוי]], ההזמנה שלי לא הגיעה.\n"
 "נציג ([[PERSON:דני]]): אפשר מספר תעודת זהות לאימות?\nלקוח: [[NATIONAL_ID~il_id:31592847?]]\n"
 "נציג ([[PERSON:דני]]): תודה [[PERSON:מיכל]], הכתובת [[STREET_ADDRESS:רחוב דיזנגוף 99, דירה 12, תל אביב-יפו]] נכונה?"),

("appointment_reminder", "SE",
 "Hej [[PERSON:Oskar]]! Påminnelse om din tid hos Folktandvården Södermalm tisdag 18 juni kl. 08:40. Ta med legitimation. "
 "Personnummer på kallelsen: [[NATIONAL_ID~se_pnr:870914-273?]]. Av- eller ombokning senast 24 timmar innan på "
 "[[PHONE_NUMBER:08-714 62 30]]. Kom ihåg att en avgift på 250 kr tas ut om du uteblir."),

("support_ticket", "XX",
 "Hi team, the nightly export for workspace 'Q2-Planning' failed again (job id exp_99120, 02:00 UTC). It happened on "
 "Monday and Wednesday too. We are on the Business plan, app version 8.4.1 on Windows 11. Could it be the Dropbox "
 "integration? Thanks, Finance Ops"),

("email", "NO",
 "Hei [[PERSON:Ingrid]],\n\ntakk for signert kontrakt. Vi har registrert fødselsnummer [[NATIONAL_ID~no_fnr:150392481??]] og "
 "kontonummer [[ACCOUNT_NUMBER~no_kontonr:1503 42 7186?]] i lønnssystemet. Si fra hvis noe er feil før lønnskjøringen 20. juni.\n\n"
 "Mvh\n[[PERSON:Kari Nordby Haugen]]\nHR, Fjordlys AS"),

("form_comment", "BE",
 "Je souhaite recevoir la facture au nom de [[PERSON:Sophie Vandenberghe]], [[STREET_ADDRESS:Rue Royale 145 bte 3, "
 "1000 Bruxelles]]. Numéro national : [[NATIONAL_ID~be_nn:78.11.04-226.??]]. Remboursement sur "
 "[[IBAN_CODE:BE?? 0635 8214 72??]], merci. Mon adresse e-mail : [[EMAIL_ADDRESS:sophie.vdb@skynet.be]]. Je reste "
 "joignable au [[PHONE_NUMBER:0478 21 64 39]]."),

("llm_prompt", "AT",
 "Bitte formuliere eine höfliche Mahnung an Herrn Mag. [[PERSON:Florian Gruber]], "
 "[[STREET_ADDRESS:Mariahilfer Straße 88/2/14, 1070 Wien]], wegen der offenen Rechnung Nr. 2024-0391 über € 1.280,00, "
 "fällig seit 15. April. Zahlung bitte auf [[IBAN_CODE:AT?? 2011 1822 2121 9800]]. Ton: freundlich, aber bestimmt."),

("json_snippet", "CN",
 '{"收件人":"[[PERSON:王晓明]]","电话":"[[PHONE_NUMBER:138 1024 7735]]","地址":"[[STREET_ADDRESS:上海市浦东新区世纪大道100号 20楼2003室]]",'
 '"邮编":"[[ZIP_CODE:200120]]","备用电话":"[[PHONE_NUMBER:021 6418 2730]]","身份证号":"[[NATIONAL_ID~cn_ric:31011519930723461^]]","备注":"工作日送货"}'),

("call_transcript", "CL",
 "Ejecutiva: Banco Andino, habla [[PERSON:Camila]], ¿con quién tengo el gusto?\nCliente: Con [[PERSON:Rodrigo Andrés Muñoz "
 "Pizarro]].\nEjecutiva: Don [[PERSON:Rodrigo]], para validar, ¿me dicta su RUT?\nCliente: Sí, "
 "[[NATIONAL_ID~cl_rut:15.382.947-^]].\nEjecutiva: Perfecto, veo la tarjeta terminada en 0093 bloqueada desde ayer."),

("shipping_instructions", "SG",
 "Deliver to [[PERSON:Tan Wei Ling]], [[STREET_ADDRESS:Blk 408 Ang Mo Kio Ave 10, #07-1123, Singapore 560408]]. Lift "
 "lobby B. If no answer, leave with the neighbour at #07-1121 and SMS [[PHONE_NUMBER:9127 4403]]. Please do not ring "
 "the doorbell, baby sleeping. For the parcel locker use NRIC ending 472J."),

("sms", "GB",
 "Reminder from Greenfield Dental: our Richmond clinic will be closed on Monday 27 May (bank holiday). Online booking "
 "stays open at greenfielddental.example.co.uk. Reply STOP to opt out."),

("support_ticket", "NZ",
 "Name: [[PERSON:Aroha Ngata]]\nEmail: [[EMAIL_ADDRESS:aroha.ngata@xtra.co.nz]]\nMessage: My power bill went to my old "
 "place again. Please update to [[STREET_ADDRESS:Flat 3, 14 Ponsonby Road, Grey Lynn, Auckland 1021]]. Account no. "
 "[[ACCOUNT_NUMBER:7730 0184 552]]. My new mobile is [[PHONE_NUMBER:021 448 2917]] if you need to call. Cheers"),

("app_log", "DE",
 'Jun 12 09:41:07 gw01 nginx: [[IP_ADDRESS:2001:db8:4f2a::1c7]] - [[USERNAME:m.schulz]] [12/Jun/2024:09:41:07 +0200] '
 '"POST /api/v2/session HTTP/2.0" 200 512 "-" "okhttp/4.12.0"'),

("email", "KR",
 "[[PERSON:박지은]]님, 안녕하세요.\n요청하신 여권 재발급 서류를 확인했습니다. 여권번호 [[PASSPORT:M48217365]], "
 "주민등록번호 [[NATIONAL_ID~kr_rrn:920415-281637?]](으)로 접수되었습니다.\n추가 문의는 [[PHONE_NUMBER:02-3148-7720]]로 연락 주세요.\n"
 "[[PERSON:이서준]] 드림"),

("hr_note", "PL",
 "Kandydat: [[PERSON:KOWALCZYK Tomasz]], PESEL [[NATIONAL_ID~pl_pesel:8812070351?]], data urodzenia "
 "[[DATE_OF_BIRTH:07.12.1988]]. Adres: [[STREET_ADDRESS:ul. Marszałkowska 84/92 m. 17, 00-514 Warszawa]]. Umowa od "
 "1 lipca, stanowisko: młodszy analityk. Rekruter: [[PERSON:Magdalena Zając]]. Telefon kandydata: "
 "[[PHONE_NUMBER:+48 508 214 376]], e-mail prywatny [[EMAIL_ADDRESS:t.kowalczyk88@gmail.com]]."),

("payment_note", "MX",
 "Cargo no reconocido: el cliente [[PERSON:Luis Ángel Ramírez]] dice que no hizo la compra de $1,899 MXN en TiendaLuna. "
 "Tarjeta Mastercard [[CREDIT_CARD:5204 7388 1920 556?]], vence 09/27. Se abrió la disputa DSP-44821. "
 "Tel. [[PHONE_NUMBER:55 4821 7390]], código postal de facturación [[ZIP_CODE:06700]]. Pide respuesta a "
 "[[EMAIL_ADDRESS:luis.ramirez.mx@hotmail.com]]."),

("chat_transcript", "US",
 "[[USERNAME:jake_m]]: hey can u log into the staging admin for me, I'm out today\n[[USERNAME:priya.n]]: sure, creds?\n"
 "[[USERNAME:jake_m]]: user is [[USERNAME:admin-staging]], pw is [[SECRET:Tuesday!Blue42]] lol dont judge\n"
 "[[USERNAME:priya.n]]: 🙃 rotating that right after\n[[USERNAME:jake_m]]: ty!! db is on [[IP_ADDRESS:10.12.4.31]] if u need it"),

("crm_note", "CH",
 "Renewal risk: Contoso Pharma (Basel) flagged a budget freeze until October. Our champion left in March; new contact "
 "not yet identified. ARR 48k CHF, contract C-2021-118. Plan: exec sponsor call in week 27, offer 10% multi-year "
 "discount."),

("shipping_label", "GB",
 "ROYAL MAIL TRACKED 48\nTO: MRS [[PERSON:F. AKINWANDE-SMITH]]\n[[STREET_ADDRESS:FLAT 2\n17 MORNINGTON CRESCENT\nLONDON\n"
 "NW1 7RE]]\nUNITED KINGDOM\nREF: 10-4418-22 / 1 PARCEL"),

("sms", "ZA",
 "Hi [[PERSON:Sipho]], your Takealot order is out for delivery today between 10:00-14:00 to "
 "[[STREET_ADDRESS:45 Voortrekker Rd, Bellville, Cape Town, 7530]]. Driver: [[PERSON:Johan]] [[PHONE_NUMBER:072 318 4405]]. "
 "Please have your ID ready; the driver will ask for the code we send on the day."),

("llm_prompt", "US",
 "You are a claims assistant. Check whether this intake is complete and list what is missing:\nClaimant: "
 "[[PERSON:Brenda L. Kowalski]]\nDOB: [[DATE_OF_BIRTH:03/22/1961]]\nSSN: [[US_SSN:402-71-5836]]\nIL DL: "
 "[[US_DRIVER_LICENSE:K530-4182-7734]]\nAddress: [[STREET_ADDRESS:1427 W Belmont Ave Apt 3R, Chicago, IL 60657]]\n"
 "Phone: [[PHONE_NUMBER:(773) 555-0119]]\nEmployer: (blank)"),

("form_comment", "JP",
 "Please ship to my office instead: [[STREET_ADDRESS:4-2-8 Shiba-koen, Minato-ku, Tokyo 105-0011]], attn. "
 "[[PERSON:YAMAMOTO Kenji]]. Passport no. [[PASSPORT:TK4829173]] for the customs form. Mobile "
 "[[PHONE_NUMBER:+81 80-4127-3398]]. Please charge the customs fee to my JCB card [[CREDIT_CARD:3541 8820 4719 362?]]. "
 "Company email: [[EMAIL_ADDRESS:k.yamamoto@nishikaze-trading.example.jp]]."),

("support_ticket", "IT",
 "Ciao, dopo il deploy di ieri il webhook non parte più. Nel file .env abbiamo STRIPE_WEBHOOK_SECRET="
 "[[SECRET:whsec_7Hq2LmX9pRt4VbN8cKd3ZsY6]] e STRIPE_KEY=[[SECRET:sk_test_51Nx2QwErTyUiOp9AsDfGhJkLz]]. Il deploy l'ha "
 "fatto l'utente [[USERNAME:marco.bianchi]]. Potete controllare? Grazie, [[PERSON:Marco]]"),

("app_log", "XX",
 "2024-06-12T11:02:55Z DEBUG cache.warmup region=ap-southeast-2 keys=18422 hit_ratio=0.94 build=2024.06.1-rc3 "
 "host=api-worker-3 pod=api-7d9f8b6c5-x2lqp"),

("appointment_reminder", "TR",
 "Sayın [[PERSON:Mehmet Yılmaz]], 21.06.2024 Cuma saat 14:30'daki Kardiyoloji randevunuz Maslak Şifa Hastanesi'nde "
 "onaylanmıştır. Lütfen 15 dakika önce gelin. İptal veya değişiklik için [[PHONE_NUMBER:0212 286 71 35]] numarasını arayın. Lütfen "
 "kimlik kartınızı ve varsa önceki tetkik sonuçlarınızı getirin."),

("email", "NL",
 "Hoi [[PERSON:Pieter]],\n\nDe offerte staat klaar in het portaal.\n\nMet vriendelijke groet,\n\n"
 "[[PERSON:Sanne van der Linden]]\nCustomer Success | Tulpwerk B.V.\n[[STREET_ADDRESS:Keizersgracht 512, 1017 EK Amsterdam]]\n"
 "T [[PHONE_NUMBER:+31 20 794 1183]] | M [[PHONE_NUMBER:+31 6 2418 7730]]\n[[EMAIL_ADDRESS:sanne@tulpwerk.example.nl]]\n"
 "[[URL_PERSONAL:https://www.linkedin.com/in/sannevdlinden]]"),

("hr_note", "IN",
 "कर्मचारी: [[PERSON:सुनीता शर्मा]]\nविभाग: लेखा\nपता: [[STREET_ADDRESS:फ्लैट 302, गुलमोहर अपार्टमेंट, सेक्टर 15, नोएडा 201301]]\n"
 "फोन: [[PHONE_NUMBER:98110 42763]]\nटिप्पणी: 1 जुलाई से वेतन खाता बदला गया।"),

("json_snippet", "US",
 '{"applicant":{"first":"[[PERSON:Dana]]","last":"[[PERSON:Whitcombe]]","dl_number":"[[US_DRIVER_LICENSE:D4827153]]",'
 '"dl_state":"CA","dob":"[[DATE_OF_BIRTH:1990-08-14]]","zip":"[[ZIP_CODE:94110]]","ssn_last4":"7712"},"risk_score":12,'
 '"decision":"review"}'),

("sms", "AR",
 "Hola [[PERSON:Santi]]! Te paso los datos para la transferencia: CBU [[ACCOUNT_NUMBER:0170099840000031845729]], titular "
 "[[PERSON:Valentina Rossi Paz]]. Es para la seña del depto de Thames, así que si podés antes del viernes, mejor. "
 "Avisame cuando lo hagas así le confirmo a la dueña 🙌"),

("shipping_instructions", "KE",
 "Deliver to [[PERSON:Otieno]] at [[STREET_ADDRESS:Hse 14, Kindaruma Court, Kindaruma Road, Kilimani, Nairobi]], blue gate opposite Yaya Centre. "
 "If closed, send to [[STREET_ADDRESS:P.O. Box 52871-00200, Nairobi]]. Call [[PHONE_NUMBER:0733 614 289]] on arrival. "
 "Fragile (glass jars), keep upright. Paid already via M-PESA."),

("form_comment", "XX",
 "Loved the new dark mode in version 5.3! Small bug: on the iPad Pro the calendar widget shows 31 June. Also the "
 "Lisbon timezone is listed as GMT+2 in summer, it should be GMT+1. And the Export button does nothing in Safari 17. Keep it up, Planova team."),

("call_transcript", "CA",
 "AGENT: Northern Payroll, [[PERSON:Kevin]] speaking.\nCALLER: Hi, [[PERSON:Adaeze Okafor]] here. My T4 has the wrong "
 "SIN on it.\nAGENT: Sorry about that. What's the correct one?\nCALLER: It's [[NATIONAL_ID~ca_sin:527 384 19?]].\n"
 "AGENT: Thank you Ms. [[PERSON:Okafor]]. And the mailing address?\nCALLER: [[STREET_ADDRESS:1101-88 Harbord St, Toronto "
 "ON M5S 1G5]]. I moved in January, the old one on Bathurst is wrong too.\nAGENT: Got it. I'll issue an amended T4 and "
 "mail it there within ten business days. Do you also want an electronic copy?\nCALLER: Yes please, to "
 "[[EMAIL_ADDRESS:adaeze.okafor@rogers.com]].\nAGENT: Done. Your case number is PR-118204. Anything else?\nCALLER: "
 "No, that's all, thanks [[PERSON:Kevin]]."),
]
