# realistic_v3, part 3: texts 81-120. (genre, country, marked_text); see ../README.md
RECORDS = [
("support_ticket", "FR", """Objet : Résiliation box internet - dossier 2024-RS-0881

Bonjour,
Je souhaite résilier mon abonnement suite à mon déménagement au Canada. Titulaire : [[PERSON:Amélie Rousseau-Nguyen]], identifiant client [[ACCOUNT_NUMBER:0418273915]]. Merci d'envoyer le bon de retour du matériel chez ma mère, Mme [[PERSON:Rousseau]], [[STREET_ADDRESS:3 impasse du Moulin, 44470 Carquefou]]. Je reste joignable par mail : [[EMAIL_ADDRESS:amelie.rn@laposte.net]].
Cordialement,
[[PERSON:A. Rousseau-Nguyen]]"""),

("crm_note", "DE", """15.05. 16:40 - Rückruf Frau [[PERSON:Schulte-Brömmelkamp]]: Sie möchte die Lastschrift ändern. Neue IBAN [[IBAN_CODE:DE?? 3705 0198 0004 1827 39]], Kontoinhaber ist ihr Mann [[PERSON:Ulrich]]. Kundennr. [[ACCOUNT_NUMBER:KD-7730418]]. Hinweis: Kundin ist schwerhörig, bitte langsam sprechen. Nächster Kontakt nach Zahlungseingang."""),

("sms", "DE", """Ihr DHL Paket 00340434161234567890 kommt heute zwischen 13:00 und 15:30 Uhr. Bei Abwesenheit erfolgt die Zustellung an die Packstation 118 in Ihrer Nähe. Sendungsverfolgung in der App. Dies ist eine automatische Nachricht."""),

("chat_transcript", "ES", """[18/5 21:04] [[PERSON:Marta]]: oye me pasas el número de la fontanera?
[18/5 21:05] [[PERSON:Jorge]]: sí, es [[PERSON:paqui]], [[PHONE_NUMBER:634 718 205]]
[18/5 21:05] [[PERSON:Jorge]]: dile que vas de mi parte, vive en [[STREET_ADDRESS:c/ san vicente mártir 71, 4º 8ª, 46002 valència]]
[18/5 21:06] [[PERSON:Marta]]: genial gracias!! el finde le escribo"""),

("travel_booking", "BR", """Reserva confirmada - Pousada Maré Alta, Paraty
Hóspede: [[PERSON:Thiago Nascimento]] + 1 adulto ([[PERSON:Camila Yumi Hashimoto]])
Check-in 12/07, check-out 15/07 (3 diárias, R$ 1.740,00)
CPF do titular: [[NATIONAL_ID~br_cpf:327.418.905-??]]
WhatsApp: [[PHONE_NUMBER:(21) 99384-2716]]
Observação: chegaremos tarde, depois das 22h. Pet? Não."""),

("json_snippet", "NG", '''Webhook payload failing schema validation (field "dob" wrong format?):
{"event":"kyc.submitted","applicant":{"first_name":"[[PERSON:Ngozi]]","last_name":"[[PERSON:Eze-Williams]]","dob":"[[DATE_OF_BIRTH:14/02/1992]]","passport":"[[PASSPORT:A09184273]]","nationality":"NG","address":{"line1":"[[STREET_ADDRESS:12 Admiralty Way, Lekki Phase 1, Lagos]]"},"ip":"[[IP_ADDRESS:198.51.100.77]]"},"ts":1716201123}'''),

("app_log", "XX", """level=info ts=2024-05-21T11:02:33Z msg="password reset requested" email=[[EMAIL_ADDRESS:h.takahashi@example.jp]] ip=[[IP_ADDRESS:2001:db8:0:1::45]] ua="okhttp/4.12.0" tenant=acme-eu
level=info ts=2024-05-21T11:02:34Z msg="reset link issued" link=https://app.example.com/reset?t=[[SECRET:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0NDE3In0.kX3r9LmQ2vT7pZ8wN4sB1yC6]] expires_in=900"""),

("json_snippet", "XX", '''{"order_id":"SO-2024-118273","items":[{"sku":"TSH-BLK-XL","qty":2,"price":19.9},{"sku":"CAP-NVY-OS","qty":1,"price":14.5}],"currency":"EUR","warehouse":"Venlo","carrier":"PostNL","tracking":"3SABCD1234567","created_at":"2024-05-19T08:31:00Z","api_version":"2023-10-16"}'''),

("email", "NL", """Hoi [[PERSON:Daan]],

Hierbij mijn gegevens voor het huurcontract. Ik woon nu nog op [[STREET_ADDRESS:Oudegracht 214 bis, 3511 NR Utrecht]], vanaf 1 juli op het nieuwe adres. Mijn BSN heb je niet nodig toch? Telefoon: [[PHONE_NUMBER:06 41827395]].

Groet,
[[PERSON:Fleur van den Heuvel]]

-----Oorspronkelijk bericht-----
Van: [[PERSON:Daan Mulder]] <[[EMAIL_ADDRESS:daan.mulder.makelaar@ziggo.nl]]>
Onderwerp: contract Lange Nieuwstraat"""),

("hr_note", "PL", """Notatka kadrowa: [[PERSON:Katarzyna Zielińska-Mróz]], PESEL [[NATIONAL_ID~pl_pesel:9204150378?]], przechodzi na urlop macierzyński od 1.07. Dowód osobisty [[NATIONAL_ID~pl_dowod:ABW?41827]] - skan w aktach. Wynagrodzenie na rachunek [[IBAN_CODE:PL?? 1090 1014 0000 0712 1981 2874]]. Zastępstwo: [[PERSON:Michał]] z działu płac. Rozmawiałam z [[PERSON:Kasią]] telefonicznie."""),

("sms", "TR", """Sayın [[PERSON:Zeynep Arslan]], 2.450,00 TL tutarındaki kredi kartı borcunuzun son ödeme tarihi 25.05.2024'tür. Kart no: 5400 **** **** 4417. Bilgi için: [[PHONE_NUMBER:0850 222 0 418]]"""),

("call_transcript", "US", """[00:00:14] AGENT: Thanks for calling Meridian Health, this is [[PERSON:Carla]]. Can I get the member's date of birth?
[00:00:19] CALLER: Yeah it's for my son, [[PERSON:Ethan Brooks-Whitaker]], born [[DATE_OF_BIRTH:April 2nd, 2011]].
[00:00:31] AGENT: And the member ID on the card?
[00:00:35] CALLER: [[ACCOUNT_NUMBER:MHX 4418 2739 01]]
[00:00:48] AGENT: Thank you. And you are?
[00:00:50] CALLER: [[PERSON:Renee]], his mom. Callback is [[PHONE_NUMBER:617-555-0129]], zip [[ZIP_CODE:02139]]."""),

("marketplace_message", "DE", """Hallo, ist das Sofa noch da? Ich könnte Samstag mit Transporter kommen. Letzter Preis 250? Falls Versand: [[PERSON:Lukas Brandstätter]], [[STREET_ADDRESS:Kirchstraße 3, 94032 Passau]]. Bezahlung per PayPal an [[EMAIL_ADDRESS:lukas.brandstaetter@gmx.de]] geht auch. LG [[PERSON:Lukas]]"""),

("marketplace_message", "IT", """Ciao, la bici è ancora disponibile? È una Bianchi Via Nirone 7, taglia 55? Nell'annuncio c'è scritto 2019 ma dal telaio sembra più vecchia. Posso passare a vederla sabato mattina a Bologna, zona stazione. Offro 380 EUR in contanti. Grazie!"""),

("form_comment", "US", """Message: I was rear-ended in your parking lot on 5/3 (near the Target entrance). Need the camera footage for insurance. My info: [[PERSON:Deshawn Carter]], FL DL [[US_DRIVER_LICENSE:C636-418-27-391-0]], cell [[PHONE_NUMBER:(305) 555-0188]]. Claim # 0471-88213 with my insurer. Email back at [[EMAIL_ADDRESS:deshawn.carter.305@gmail.com]]"""),

("insurance_intake", "US", """Auto claim FNOL
Insured: [[PERSON:Kowalski, Stanley J.]]
Policy: [[ACCOUNT_NUMBER:PA-7741-0418273]]
DOB: [[DATE_OF_BIRTH:11/09/1958]]  DL: PA [[US_DRIVER_LICENSE:27418390]]
Loss location: intersection of Carson St & 18th, Pittsburgh
Other driver: [[PERSON:Ashleigh Moran]], NY DL [[US_DRIVER_LICENSE:418 273 905]], ph [[PHONE_NUMBER:(716) 555-0131]]
SSN for 1099 (if total loss payout): [[US_SSN:208-41-7736]]"""),

("appointment_reminder", "MX", """Hola [[PERSON:Fernanda]] 👋 Te recordamos tu cita de limpieza dental el martes 28/05 a las 17:30 con la Dra. [[PERSON:Itzel Cruz]] en [[STREET_ADDRESS:Av. Vallarta 2440, Local 12, Col. Arcos Vallarta, 44130 Guadalajara, Jal.]] Si necesitas reprogramar, escríbenos al [[PHONE_NUMBER:33 1847 2093]]. ¡Te esperamos!"""),

("llm_prompt", "JP", """以下の問い合わせに対する返信メールを丁寧な日本語で作成してください。
---
氏名：[[PERSON:高橋 美咲]]
会員番号：[[ACCOUNT_NUMBER:M-0418273]]
郵便番号：[[ZIP_CODE:160-0023]]
電話：[[PHONE_NUMBER:03-5842-1937]]
内容：先月のポイント（1,200pt）が付与されていません。夫の[[PERSON:翔太]]のアカウント（[[EMAIL_ADDRESS:shota.t@example.ne.jp]]）と合算できますか？
---
個人情報は返信文に含めないでください。"""),

("meeting_notes", "SE", """Möte kundtjänst 22/5
Närvarande: [[PERSON:Linnéa]], [[PERSON:Ahmed]], [[PERSON:Petra S.]]
1. Klagomål från [[PERSON:Göran Eklund]] om dubbeldebitering - återbetalning 349 kr klar, [[PERSON:Ahmed]] ringer honom på [[PHONE_NUMBER:070-174 06 52]].
2. Nya rutiner för ID-kontroll: be aldrig om hela personnumret i chatten.
3. Nästa möte 5/6."""),

("server_log", "XX", """[Tue May 21 10:14:02.118 2024] [auth_basic:error] [pid 4412] [client [[IP_ADDRESS:192.0.2.201]]:50122] AH01617: user [[USERNAME:jvelasquez]]: authentication failure for "/admin": Password Mismatch
[Tue May 21 10:14:09.540 2024] [proxy:error] [pid 4413] (111)Connection refused: AH00957: HTTP: attempt to connect to [[IP_ADDRESS:10.8.0.14]]:8080 (backend) failed"""),

("crm_note", "US", """Account review - Q2: Client is Pinecrest Dental Group (14 locations in Ohio). Renewal at $38,400/yr, 3-year term proposed. They asked about HIPAA BAA v2.1 and SSO via Okta. Competitor quote from Henry Schein is ~8% lower; decision expected after their board meeting on 6/12."""),

("shipping_label", "CN", """顺丰速运 标准快递
收件人：[[PERSON:陈静怡]]
电话：[[PHONE_NUMBER:139 0418 2736]]
地址：[[STREET_ADDRESS:上海市徐汇区漕溪北路 415 号 恒安大厦 15 楼 1503 室]]
寄件人：[[PERSON:刘洋]] [[PHONE_NUMBER:186 2731 9048]]
托寄物：文件  重量 0.5kg  运单号 SF1418273905512"""),

("email", "AR", """Hola [[PERSON:Caro]], te paso los datos para la transferencia del alquiler de julio:
Titular: [[PERSON:Martín Ezequiel Gómez]]
CUIT: [[NATIONAL_ID~ar_cuit:20-31841827-?]]
CBU: [[ACCOUNT_NUMBER~ar_cbu:0170041?0000004182739?]]
Cualquier cosa llamame al [[PHONE_NUMBER:+54 9 11 4827-3190]]. Besos, [[PERSON:Martín]]"""),

("support_ticket", "KR", """제목: 환불 요청드립니다
주문번호 20240518-0041827 상품(무선 청소기)을 반품했는데 아직 환불이 안 됐어요. 구매자 [[PERSON:박지훈]], 연락처 [[PHONE_NUMBER:010-7291-4836]]. 환불 계좌는 국민은행 [[ACCOUNT_NUMBER:418273-04-991027]] (예금주 [[PERSON:박지훈]])입니다. 빠른 처리 부탁드립니다."""),

("crm_note", "KE", """Field visit 20/05 - customer [[PERSON:Otieno, Brian Ochieng]], postal address [[STREET_ADDRESS:P.O. Box 41827-00100, Nairobi]]. Shop is on Moi Avenue near the stage. KRA PIN [[NATIONAL_ID:A004182739Z]] for the invoice, M-Pesa payments from [[PHONE_NUMBER:0722 418 273]]. His brother [[PERSON:Kevo]] handles deliveries. Follow up in 2 weeks re: solar kit financing."""),

("json_snippet", "IE", '''User profile export (GDPR request #8812):
{
  "handle": "[[USERNAME:@pixelwitch]]",
  "display_name": "[[PERSON:Róisín K.]]",
  "links": ["[[URL_PERSONAL:https://github.com/pixelwitch-dev]]", "[[URL_PERSONAL:https://www.instagram.com/pixel.witch.art]]"],
  "email": "[[EMAIL_ADDRESS:roisin.kav@fastmail.com]]",
  "last_ip": "[[IP_ADDRESS:203.0.113.212]]",
  "plan": "creator", "signup": "2021-11-02"
}'''),

("support_ticket", "TR", """Merhaba, 12 Mayıs'ta aldığım Arçelik bulaşık makinesi (model 6234 I) E5 hatası veriyor. Garanti belgesi seri no 88412093 ile kayıtlı. Servis randevusu için hangi gün uygundur? İzmir Bornova'dayım, hafta içi 18:00'den sonra evdeyim."""),

("medical_intake", "ES", """Triaje - Urgencias
Paciente: [[PERSON:Fernández Quintana, Iker]]
Fecha de nacimiento: [[DATE_OF_BIRTH:30/01/2017]]
Acompañante: madre, [[PERSON:Nerea Quintana]], DNI [[NATIONAL_ID~es_dni:72418390*]], tel. [[PHONE_NUMBER:688 412 739]]
Motivo: caída de bicicleta, dolor en muñeca izquierda, sin pérdida de conciencia. Alergias: ninguna conocida."""),

("sms", "GR", """Αγαπητέ [[PERSON:Γιώργο]], το ραντεβού σας για τεχνικό έλεγχο επιβεβαιώθηκε για 29/05 στις 11:00. Διεύθυνση: [[STREET_ADDRESS:Λεωφ. Κηφισίας 214, 145 62 Κηφισιά]]. Για αλλαγές: [[PHONE_NUMBER:210 482 9173]]."""),

("hr_note", "GB", """Sickness absence note - [[PERSON:Bethan Pryce-Jones]] (emp 20931)
Off 13-17 May, fit note received. NI no. [[NATIONAL_ID:PW 41 82 73 D]] checked against payroll. Manager [[PERSON:Gareth]] asked for a return-to-work meeting on Mon. [[PERSON:Bethan]]'s home: [[STREET_ADDRESS:Flat 2, 19 Heol y Deri, Rhiwbina, Cardiff CF14 6HF]]; mobile [[PHONE_NUMBER:07412 418273]]."""),

("app_log", "US", """2024-05-22 19:44:10.201 ERROR [checkout-svc] PaymentGatewayError: declined (do_not_honor) pan=[[CREDIT_CARD:5425 2334 3010 910?]] exp=09/27 cvv=*** name="[[PERSON:ADEBAYO O FALOLA]]" billing_zip=[[ZIP_CODE:30309]] merchant_ref=MR-441827"""),

("llm_prompt", "XX", """Rewrite this product description to be more upbeat, max 60 words: 'The Aurora X2 desk lamp (model AX2-220, firmware 1.4.7) has 5 brightness levels, a USB-C port and a 36-month warranty. Ships from our Leipzig warehouse within 2 business days. Price: $89.00, or 3 payments of $29.67. Works with Alexa and Google Home.'"""),

("marketplace_message", "NG", """[[USERNAME:tunde_gadgets]]: Bros the phone still dey?
[[USERNAME:emeka.stores]]: e dey. 185k last
[[USERNAME:tunde_gadgets]]: ok send ur acct
[[USERNAME:emeka.stores]]: [[ACCOUNT_NUMBER:2041827390]] GTBank, [[PERSON:Emeka Nwachukwu]]
[[USERNAME:tunde_gadgets]]: paid. deliver to [[STREET_ADDRESS:No 7 Adeniran Ogunsanya St, Surulere, Lagos]], call [[PHONE_NUMBER:0806 274 1938]] when u reach"""),

("travel_booking", "ID", """E-tiket Kereta Api - Kode booking: KX7R2P
Penumpang: [[PERSON:Muhammad Rizky Pratama]] (Dewasa), NIK [[NATIONAL_ID:3404071803920003]]
Penumpang: [[PERSON:Siti Aminah binti Yusuf]] (Dewasa), NIK [[NATIONAL_ID:3404074512940002]]
KA Taksaka, Yogyakarta - Gambir, 24 Mei 2024 20:15, Eksekutif 3 / 7A-7B
Kontak pemesan: [[EMAIL_ADDRESS:rizky.pratama94@gmail.com]], [[PHONE_NUMBER:0813-2741-8390]]"""),

("invoice_note", "DK", """Faktura 2024-0418
Kunde: [[PERSON:Rasmus Bech Nielsen]], [[STREET_ADDRESS:Nørrebrogade 44, 1. th., 2200 København N]]
Ydelse: VVS-reparation, 3,5 timer à 650 kr. + materialer 412 kr.
I alt inkl. moms: 3.358,75 kr.
Betaling til reg.nr. 5301 konto [[ACCOUNT_NUMBER:0418273915]] senest 15.06. MobilePay [[PHONE_NUMBER:28 41 73 90]]."""),

("form_comment", "CL", """Mensaje: Necesito la boleta a nombre de mi empresa pero el RUT que quedó registrado es el mío personal, [[NATIONAL_ID~cl_rut:16.418.273-^]]. ¿Se puede corregir? Mi nombre es [[PERSON:Valentina Araya Muñoz]] y mi correo [[EMAIL_ADDRESS:vale.araya@gmail.com]]. Vivo en [[STREET_ADDRESS:Pasaje Los Aromos 1841, depto 302, Ñuñoa, Santiago]]."""),

("csv_snippet", "IT", """Ecco il CSV dei partecipanti al corso, puoi controllare i duplicati?
cognome,nome,email,cellulare,cf
[[PERSON:Esposito]],[[PERSON:Gennaro]],[[EMAIL_ADDRESS:g.esposito@tiscali.it]],[[PHONE_NUMBER:333 418 2739]],[[NATIONAL_ID~it_cf:SPSGNR85A14F839*]]
[[PERSON:De Luca]],[[PERSON:Maria Grazia]],[[EMAIL_ADDRESS:mg.deluca@gmail.com]],[[PHONE_NUMBER:348 274 1906]],
[[PERSON:Esposito]],[[PERSON:Gennaro]],[[EMAIL_ADDRESS:gennaro.esposito85@gmail.com]],,"""),

("hr_note", "XX", """Policy update: from 1 July the company matches pension contributions up to 6%. Remote-work stipend rises to EUR 60/month. Headcount plan Q3: +4 in Engineering (Berlin), +2 in Support (Lisbon). The new payroll provider goes live on 28 June. Questions to the People team channel, not by e-mail please."""),

("chat_transcript", "FR", """[[USERNAME:lucas_mtp]] : bonjour, je n'arrive plus à me connecter depuis la mise à jour 5.3
Conseillère [[PERSON:Inès]] : Bonjour ! Pouvez-vous me donner l'adresse mail du compte ?
[[USERNAME:lucas_mtp]] : [[EMAIL_ADDRESS:lucas.moreau34@sfr.fr]]. mon mdp c'est [[SECRET:Soleil34!2024]] si ça aide
Conseillère [[PERSON:Inès]] : Merci, mais ne partagez jamais votre mot de passe ici. Je vous envoie un lien de réinitialisation."""),

("appointment_reminder", "US", """Hi [[PERSON:Kayla]]! This is Riverside Animal Clinic reminding you that Biscuit is due for his rabies booster on 6/4 at 9:00 AM with Dr. [[PERSON:Okonjo]]. Reply YES to confirm. Questions? Call [[PHONE_NUMBER:(503) 555-0112]]. We're at [[STREET_ADDRESS:1820 SE Division St, Portland, OR 97202]]."""),
]
