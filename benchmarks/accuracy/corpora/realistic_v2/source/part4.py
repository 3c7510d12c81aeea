# Hand-written texts, part 4. Each record: (genre, country, marked_text).
RECORDS = [
("support_ticket", "AU",
 "Hi team,\n\nI'm trying to verify my account so I can withdraw. I uploaded my passport [[PASSPORT:PA4871023]] twice but "
 "the check keeps saying the name doesn't match. The name on the passport is [[PERSON:CHLOE ANNE MITCHELL]], the account "
 "email is [[EMAIL_ADDRESS:chloe.m.mitchell@bigpond.com]] and I gave my TFN ([[NATIONAL_ID~au_tfn:462 183 07?]]) when I "
 "signed up in March. Could someone look at it manually? My number is [[PHONE_NUMBER:0438 271 905]].\n\nThanks,\n"
 "[[PERSON:Chloe]]"),

("chat_transcript", "IN",
 "[[USERNAME:rahul_kapoor91]]: bhai my order still hasn't come, it's been 70 mins\n"
 "Support ([[PERSON:Ananya]]): Hi [[PERSON:Rahul]], so sorry about the delay! Can you confirm the delivery address?\n"
 "[[USERNAME:rahul_kapoor91]]: [[STREET_ADDRESS:Flat 4B, Sai Krupa Apartments, 14th Cross, Indiranagar, Bengaluru 560038]]\n"
 "Support ([[PERSON:Ananya]]): Thanks. The rider marked it delivered by mistake. A refund of ₹412 has been initiated to "
 "your original payment method and should reflect in 3-5 working days."),

("app_log", "XX",
 "2024-06-14T02:11:09Z ERROR slack-notifier: token rejected (invalid_auth) "
 "token=[[SECRET:xoxb-4821930275-6610294837-Kq7vR2mX9pLt4WbZs8Nc3Yd]] channel=#alerts-prod retry_in=60s attempt=3/5"),

("email", "IE",
 "Dia duit [[PERSON:Seán]],\n\nYour new account is ready. Login: [[USERNAME:sean.ogorman]]. Temporary password: "
 "[[SECRET:Glendalough#7]] (you'll be asked to change it on first sign-in). Your laptop is at the front desk of the "
 "Galway office, ask for [[PERSON:Mairéad]].\n\nSlán,\n[[PERSON:Niamh]]\nIT Helpdesk, ext. 2240"),

("shipping_label", "JP",
 "SENDER: Hanami Ceramics Co., Ltd.\nCARRIER: Japan Post EMS\nITEM: EN 441 820 935 JP\nCONTENTS: tea cups x6 (gift)\n"
 "VALUE: JPY 18,000\nWEIGHT: 1.8 kg\nHS CODE: 6912.00\nDATE: 2024-06-14"),

("hr_note", "ZA",
 "Exit interview: [[PERSON:Lerato Mokoena]] (ID [[NATIONAL_ID~za_id:880713 0614 08?]]), last working day 28 June. Reason: "
 "relocating to Durban for family. Forwarding address: [[STREET_ADDRESS:22 Rivonia Road, Sandhurst, Sandton, 2196]]. "
 "Final pay and leave payout to account [[ACCOUNT_NUMBER:62 0418 5527 3]] (FNB). Return of laptop confirmed by "
 "[[PERSON:Kagiso]] from IT."),

("sms", "FR",
 "Coucou [[PERSON:Léa]], c'est [[PERSON:Théo]] ! J'ai changé de numéro, le nouveau c'est le [[PHONE_NUMBER:07 82 41 93 50]]. "
 "Tu peux le passer à Mamie stp ? Bisous et à dimanche pour l'anniv de Papa"),

("crm_note", "KR",
 "Call with [[PERSON:Choi Seung-hyun]] (procurement, Hanbit Electronics). Prefers email: "
 "[[EMAIL_ADDRESS:sh.choi@hanbit-elec.example.kr]]. Office: [[STREET_ADDRESS:152 Teheran-ro, Gangnam-gu, Seoul 06236]]. "
 "Decision expected in Q3; they want a Korean-language SLA and on-prem option. Mobile [[PHONE_NUMBER:+82 10-3917-4820]]. "
 "Also met his manager [[PERSON:Yoon]] briefly."),

("payment_note", "NL",
 "Terugbetaling € 59,95 aan dhr. [[PERSON:K. Bakker]], rekening [[IBAN_CODE:NL?? ABNA 0417 1643 00]]. Reden: dubbele "
 "incasso juni. Klant stuurde ook zijn BSN mee, graag verwijderen uit het ticket: [[NATIONAL_ID~nl_bsn:23781946?]]. "
 "Nieuw adres van klant: [[STREET_ADDRESS:Lange Nieuwstraat 14-B, 3512 PH Utrecht]]."),

("json_snippet", "EG",
 '{"customer_id":"[[ACCOUNT_NUMBER:EG-CUST-0048213]]","name_ar":"[[PERSON:منى عبد الرحمن]]","name_en":"[[PERSON:Mona Abdelrahman]]",'
 '"national_id":"[[NATIONAL_ID:29105120104582]]","mobile":"[[PHONE_NUMBER:+201015284736]]","governorate":"Giza",'
 '"kyc_status":"pending"}'),

("call_transcript", "US",
 "Agent: Thank you for calling Peachtree Travel, this is [[PERSON:Andre]]. How can I help?\nCaller: Hi, I'm booking the "
 "Savannah trip for my mom, [[PERSON:Loretta Simmons]], and putting it on my card.\nAgent: Sure. Go ahead with the card "
 "number when you're ready.\nCaller: It's [[CREDIT_CARD:3759 876543 2100?]], expires 08/27.\nAgent: And the billing zip?\n"
 "Caller: [[ZIP_CODE:30309]].\nAgent: Thank you, the booking reference is PT-66201."),

("llm_prompt", "XX",
 "Write a SQL query that returns the top 5 customers by revenue for each region in 2023, using the tables "
 "customers(id, region, created_at) and orders(id, customer_id, total, created_at). Use PostgreSQL 15 window functions "
 "and explain the query in two sentences."),

("shipping_instructions", "PT",
 "Entregar na portaria do prédio, o porteiro, Sr. [[PERSON:Armando]], "
 "está lá até às 19h. Destinatária: [[PERSON:Inês Sampaio]], [[STREET_ADDRESS:Rua Garrett 62, 3.º Esq., 1200-204 Lisboa]]. "
 "Se não houver ninguém, ligar para o [[PHONE_NUMBER:912 487 305]] antes de devolver."),

("form_comment", "UA",
 "Прошу повернути кошти на картку [[CREDIT_CARD:5168 7573 4219 003?]] (ПриватБанк), замовлення скасовано 10.06. "
 "[[PERSON:Андрій Мельник]], РНОКПП [[NATIONAL_ID~ua_rntrc:314258769?]], тел. [[PHONE_NUMBER:+380 50 318 47 92]]. "
 "Адреса для повернення товару: [[STREET_ADDRESS:вул. Городоцька, 48, кв. 7, Львів, 79007]]."),

("appointment_reminder", "US",
 "Hola [[PERSON:Guadalupe]], le recordamos su cita en Clínica Familiar del Valle el jueves 27 de junio a las 10:00 am con "
 "la Dra. [[PERSON:Rebeca Montoya]]. Dirección: [[STREET_ADDRESS:2417 E Cesar Chavez Ave, Los Angeles, CA 90033]]. Traiga "
 "su tarjeta de seguro. Para cambiar su cita llame al [[PHONE_NUMBER:(323) 555-0186]]."),

("support_ticket", "DE",
 "We need to update the traveller profile for [[PERSON:Katrin Zimmermann]] before the Singapore trip on 3 July: new "
 "German passport number [[PASSPORT:C7L9XKP41]], issued 02 May 2024, expires 01 May 2034. Her Miles & More number "
 "[[ACCOUNT_NUMBER:9920 0481 1734 052]] stays the same. Seat preference aisle. Thanks, [[PERSON:Jonas]] (travel desk)"),

("chat_transcript", "CY",
 "[09:14] [[PERSON:Andri]] (Support): Hello! How can I help?\n[09:15] [[USERNAME:kostas_p]]: hi, internet down since last "
 "night at [[STREET_ADDRESS:Arch. Makariou III Ave 155, Flat 302, 3026 Limassol]]\n[09:15] [[PERSON:Andri]] (Support): "
 "Sorry about that. Is the account under [[PERSON:Konstantinos Panayiotou]]?\n[09:16] [[USERNAME:kostas_p]]: yes that's "
 "my dad, I'm [[PERSON:Kostas]]\n[09:17] [[PERSON:Andri]] (Support): Thanks, I see an outage in your area, fix expected by 14:00."),

("hr_note", "JP",
 "人事メモ:[[PERSON:中村 由美]]さんの住所変更。新住所 〒[[STREET_ADDRESS:220-0012 神奈川県横浜市西区みなとみらい3-6-1 "
 "みなとみらいタワー2103]]。マイナンバー [[NATIONAL_ID~jp_mynumber:48215937106?]] は給与システムに登録済み。通勤経路の申請も要確認。"),

("sms", "XX",
 "FedEx: Your package 7845 1290 3318 is scheduled for delivery Thursday by 8pm. Manage delivery at fedex.com/mydelivery. "
 "Reply HELP for help, STOP to opt out."),

("email", "SE",
 "Hej!\n\nJag har bytt bank, så från och med julilönen vill jag att lönen sätts in på "
 "[[IBAN_CODE:SE?? 5000 0000 0583 9825 7466]]. Min adress är oförändrad: [[STREET_ADDRESS:Götgatan 48, 2 tr, "
 "118 26 Stockholm]].\n\nHälsningar,\n[[PERSON:Elin Johansson]]\n[[PHONE_NUMBER:070-418 27 63]]"),

("app_log", "XX",
 "2024-06-14T10:17:33.021Z WARN ratelimit: client [[IP_ADDRESS:2001:db8:85a3::8a2e:370:7334]] exceeded 100 req/min on "
 "/v1/search (key_id=kid_7720, plan=free). Previous offender [[IP_ADDRESS:203.0.113.9]] unblocked after 15 min."),

("crm_note", "AR",
 "Cliente [[PERSON:Martín Ezequiel Lombardi]] llamó por la demora en la instalación de fibra en "
 "[[STREET_ADDRESS:Av. Rivadavia 5120, piso 3 depto C, C1424CEN CABA]]. DNI [[NATIONAL_ID:27.418.903]]. Ya van dos "
 "visitas fallidas. Contacto alternativo: su esposa [[PERSON:Carla]], [[PHONE_NUMBER:11 4982-3175]]. Prioridad alta."),

("json_snippet", "US",
 """{"member_id":"[[ACCOUNT_NUMBER:XWB884201937]]","subscriber":"[[PERSON:O'BRIEN, KATHLEEN M]]","""
 """"dob":"[[DATE_OF_BIRTH:1958-12-03]]","ssn":"[[US_SSN:318-46-2901]]","group":"GRP-20441","plan":"PPO Gold","""
 """"phone":"[[PHONE_NUMBER:617-555-0152]]","zip":"[[ZIP_CODE:02134]]","dl_ma":"[[US_DRIVER_LICENSE:S48219375]]","""
 """"autopay_card":"[[CREDIT_CARD:6011 4829 0375 116?]]"}"""),

("shipping_label", "ES",
 "ENVÍO 24H – SEUR\nDestinatario: Dña. [[PERSON:Carmen Ruiz Blázquez]]\n[[STREET_ADDRESS:Calle de Alcalá 187, 4º izq.\n"
 "28009 Madrid]]\nTel. [[PHONE_NUMBER:+34 612 48 73 90]]\nBultos: 1/1  Peso: 3,2 kg  Ref: PED-66120"),

("llm_prompt", "GB",
 "Draft a polite reply to this tenant and suggest two time slots for an engineer visit:\n\n'Hi, it's [[PERSON:Gareth]] "
 "from flat 3. The boiler's broken again, no hot water since Sunday. My number is [[PHONE_NUMBER:07911 246 803]] and I'm "
 "in most evenings. Address is [[STREET_ADDRESS:Flat 3, 41 Clarendon Road, Cardiff CF23 9JD]] in case the engineer needs "
 "it. Cheers, [[PERSON:Gareth Llewellyn]]'"),

("crm_note", "XX",
 "Q2 pipeline review: Mercedes-Benz Trucks (Stuttgart) moved to negotiation, Philips Healthcare stalled, Ørsted "
 "closed-won (3-year, 120 seats). Forecast call moved to Wednesday because of Whit Monday. Ørsted's PO number is 4500188213; "
 "invoice through their AP portal, not by email."),

("sms", "IL",
 "שלום [[PERSON:אבי]], המשלוח שלך מחכה בנקודת האיסוף בסופר השכונתי עד יום חמישי בשעה 20:00. יש להציג תעודה מזהה. לבירורים: [[PHONE_NUMBER:03-627-4418]]"),

("support_ticket", "KE",
 "Subject: Statement request\n\nPlease send my statements for January to May to [[EMAIL_ADDRESS:wanjiku.kamau@gmail.com]]. "
 "Account [[ACCOUNT_NUMBER:1180 2934 7710]], ID no. [[NATIONAL_ID:28417390]]. Name: [[PERSON:Wanjiku Kamau]], postal "
 "address [[STREET_ADDRESS:P.O. Box 41827-00100, Nairobi]]. I need them for a visa application by next Friday."),

("payment_note", "SA",
 "Refund to [[PERSON:Khalid Al-Otaibi]]: [[IBAN_CODE:SA?? 8000 0000 6080 1016 7519]], SAR 1,150.00, reason: duplicate "
 "booking HTL-22871. Original payment: Visa [[CREDIT_CARD:4847 3520 1968 771?]]. Approved by [[PERSON:Reem]]. Customer asked for confirmation on [[EMAIL_ADDRESS:k.alotaibi@outlook.sa]]."),

("form_comment", "GR",
 "Request: please issue the invoice to [[PERSON:Georgios Karagiannis]], ΑΦΜ [[NATIONAL_ID~gr_afm:09418273?]], "
 "ΔΟΥ Καλαμαριάς, address [[STREET_ADDRESS:Ermou 45, 105 63 Athina]]. Company stamp not needed. Send it to "
 "[[EMAIL_ADDRESS:g.karagiannis@otenet.gr]] and call me on [[PHONE_NUMBER:+30 697 418 2253]] if anything is missing."),

("call_transcript", "NG",
 "Agent: Welcome to Zenith Bank, my name is [[PERSON:Chioma]].\nCaller: Good afternoon, I'm [[PERSON:Ibrahim Musa "
 "Abubakar]]. I want to block my card, I lost my wallet in Abuja.\nAgent: Sorry sir. Your NIN please?\nCaller: "
 "[[NATIONAL_ID:22184736519]].\nAgent: Thank you. The card ending 4471 is now blocked, a new one will be ready at the "
 "Wuse II branch."),

("app_log", "XX",
 "INFO 2024-06-14 16:40:02 worker-3 job=invoice-pdf id=inv_2024_06_14_0931 pages=3 rendered_ms=412 "
 "font=Inter-Regular.ttf locale=de-CH queue=default"),

("hr_note", "MX",
 "Alta de empleado: [[PERSON:Diego Armando Hernández Salas]], RFC [[NATIONAL_ID~mx_rfc:HESD910415KT^]], CURP "
 "[[NATIONAL_ID~mx_curp:HESD910415HNLRLG0?]], NSS [[NATIONAL_ID~mx_nss:4315911287?]]. Domicilio: "
 "[[STREET_ADDRESS:Calle Padre Mier 820 Pte., Col. Centro, 64000 Monterrey, N.L.]]. Fecha de nacimiento "
 "[[DATE_OF_BIRTH:15/04/1991]]. Contacto de emergencia: [[PERSON:Mariana Salas]] (madre), [[PHONE_NUMBER:81 8342 1796]]."),

("chat_transcript", "CA",
 "Agent ([[PERSON:Mélanie]]): Bonjour! Comment puis-je vous aider?\nClient: Oui allo, c'est [[PERSON:Jean-François "
 "Gagnon]], je veux changer mon adresse pour le [[STREET_ADDRESS:455 boul. René-Lévesque Est, app. 1207, Québec (Québec) "
 "G1R 5N8]]\nAgent ([[PERSON:Mélanie]]): Parfait, et votre numéro de client?\nClient: [[ACCOUNT_NUMBER:CL-2094-8817]]"),

("email", "IN",
 "Dear Sir/Madam,\n\nPlease find attached my resume for the Data Engineer role (ref. DE-2024-17). I have 6 years of "
 "experience with Spark and Airflow and am currently serving a 30-day notice period.\n\nRegards,\n"
 "[[PERSON:Arjun Venkataraman]]\n[[PHONE_NUMBER:+91 99405 28713]] | [[EMAIL_ADDRESS:arjun.venkat@outlook.in]]\n"
 "[[URL_PERSONAL:github.com/arjunv-data]] | [[URL_PERSONAL:linkedin.com/in/arjun-venkataraman]]"),

("json_snippet", "FI",
 '{"henkilo":{"nimi":"[[PERSON:Juha-Pekka Virtanen]]","hetu":"[[NATIONAL_ID~fi_hetu:051178-157^]]",'
 '"osoite":"[[STREET_ADDRESS:Hämeenkatu 21 A 4, 33200 Tampere]]","puhelin":"[[PHONE_NUMBER:050 381 4726]]"},'
 '"asiakasnumero":"[[ACCOUNT_NUMBER:400218833]]"}'),

("shipping_instructions", "TH",
 "Please deliver to [[PERSON:Somchai Prasertsuk]], [[STREET_ADDRESS:99/45 Soi Sukhumvit 39, Khlong Tan Nuea, Watthana, "
 "Bangkok 10110]]. The condo reception closes at 20:00, after that call [[PHONE_NUMBER:081 742 3196]] and I will come "
 "down. Please do not leave it with the security guard."),

("email", "XX",
 "Hello,\n\nYour subscription to Cloudwise Pro (annual) renews on 1 August for USD 240.00. The card ending in 0921 will "
 "be charged. To change plans, go to Billing > Subscription. Questions? Reply to this email or chat with Cleo, our "
 "support assistant, from the Help menu.\n\nCloudwise Billing Team"),

("appointment_reminder", "PL",
 "Pani [[PERSON:Anno]], przypominamy o wizycie u dr [[PERSON:Katarzyny Lewandowskiej]] w środę 19.06 o 12:20, Centrum "
 "Medyczne Medis, [[STREET_ADDRESS:ul. Grunwaldzka 186, 80-266 Gdańsk]]. Prosimy zabrać wyniki badań. Odwołania: "
 "[[PHONE_NUMBER:58 341 22 90]] lub [[EMAIL_ADDRESS:rejestracja@medis-gdansk.example.pl]]."),

("llm_prompt", "XX",
 "My script keeps printing 'insufficient_quota'. Here's the snippet:\n\nimport openai\nclient = openai.OpenAI("
 "api_key=\"[[SECRET:sk-proj-Qz8rT2vX5nL9mK4pW7yB1cD3fH6jA0sE]]\")\nresp = client.chat.completions.create("
 "model=\"gpt-4o-mini\", messages=msgs)\n\nIs my key wrong or is it a billing problem?"),
]
