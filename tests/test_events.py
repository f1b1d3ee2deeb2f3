"""Event patterns on small sentences: who did what to whom, in which mode, when."""

from __future__ import annotations

import datetime as dt

import pytest

from kg import nlp
from kg.extract import extract
from kg.records import Article

BASE = dt.date(2023, 4, 12)  # a Wednesday


@pytest.fixture(scope="module")
def parse():
    model = nlp.load()

    def run(text: str, date: dt.date | None = BASE):
        article = Article("test", "test", text, date=date)
        return extract(model(text), article).events

    return run


def facts(events, mode: str | None = "asserted") -> set[tuple]:
    """(actor, type, target) of the events in a mode (all modes with None)."""
    return {(a, e.type, t) for e in events if mode is None or e.mode == mode
            for a in e.actors for t in (e.targets or (None,)) if a != t}


def test_elided_name_in_conjoined_modifiers(parse):
    found = facts(parse("The leaders of North and South Korea signed an agreement."))
    assert ("country/prk", "AGREE", "country/kor") in found
    assert ("country/kor", "AGREE", "country/prk") in found


def test_subject_the_parser_hung_on_the_previous_object(parse):
    events = parse("France has sent two frigates to the Baltic Sea and Germany announced it "
                   "would deploy 500 soldiers.")
    found = facts(events, None)
    assert ("country/deu", "MOBILIZE", None) in found
    assert not any(t == "country/deu" for (_, _, t) in found)  # Germany is no recipient


def test_passive_participle_modifier_takes_the_noun_as_target(parse):
    found = facts(parse("Rebels fought the Malian army, trained and equipped by France."))
    assert any(a == "country/fra" and ty == "AID" and t and "mali" in t
               for (a, ty, t) in found), found


def test_raised_subject_of_a_passive(parse):
    events = parse("Greece is expected to meet with Turkey in Athens on Friday.")
    ev = [e for e in events if e.type == "CONSULT"]
    assert ev and ev[0].actors == ("country/grc",) and ev[0].targets == ("country/tur",)
    assert ev[0].mode == "future"
    assert ev[0].date == "2023-04-14"  # the coming Friday, not the last one


def test_gerund_shares_the_subject_of_its_clause(parse):
    found = facts(parse("Germany settled the dispute by negotiating with Poland."))
    assert ("country/deu", "CONSULT", "country/pol") in found


def test_named_members_of_a_target_group(parse):
    found = facts(parse("The European Union sanctioned four banks, including Sberbank "
                        "and Gazprombank."))
    targets = {t for (a, ty, t) in found if ty == "SANCTION"}
    assert len(targets) == 2, found


def test_possessor_not_the_other_modifiers(parse):
    found = facts(parse("Hungary blocked Georgia's EU membership."))
    assert ("country/hun", "COERCE", "country/geo") in found
    assert not any(t == "alliance/eu" for (_, _, t) in found)


def test_recipient_of_an_event_noun_attached_to_the_verb(parse):
    found = facts(parse("Austria withdrew its objection to Croatia joining Schengen."))
    assert ("country/aut", "CONCEDE", "country/hrv") in found or \
        ("country/aut", "RETREAT", "country/hrv") in found, found


def test_hosting_is_a_visit_both_ways(parse):
    found = facts(parse("Kenya hosted Ethiopia for two days of talks."))
    assert ("country/ken", "CONSULT", "country/eth") in found
    assert ("country/eth", "CONSULT", "country/ken") in found


def test_spending_time_together(parse):
    found = facts(parse("Chile and Peru spent much time together in Lima."))
    assert ("country/chl", "CONSULT", "country/per") in found


# Negative cases: what must not become an asserted event.

def test_negated_event(parse):
    assert not facts(parse("Spain did not send troops to Morocco."))


def test_hypothetical_event(parse):
    assert not facts(parse("Officials fear that Serbia could invade Kosovo."))


def test_speech_verb_as_a_modifier_is_no_accusation(parse):
    found = facts(parse("Chinese ships entered waters claimed by Vietnam."), None)
    assert not any(ty == "ACCUSE" for (_, ty, _) in found)


def test_plain_subject_is_not_stolen(parse):
    """A conjoined verb with its own subject keeps it."""
    found = facts(parse("Japan sent aid to Nepal and India sent doctors to Nepal."))
    assert ("country/jpn", "AID", "country/npl") in found
    assert ("country/ind", "AID", "country/npl") in found
    assert not any(t == "country/ind" for (_, _, t) in found)


# Dates

def test_future_month_resolves_forward(parse):
    events = parse("Brazil will host Argentina at the end of May.")
    assert {e.date for e in events if e.type == "CONSULT"} == {"2023-05"}
    events = parse("Brazil will host Argentina in March.")
    assert {e.date for e in events if e.type == "CONSULT"} == {"2024-03"}


def test_past_month_resolves_backward(parse):
    events = parse("Brazil hosted Argentina in March.")
    assert {e.date for e in events if e.type == "CONSULT"} == {"2023-03"}
    events = parse("Brazil hosted Argentina in June.")
    assert {e.date for e in events if e.type == "CONSULT"} == {"2022-06"}


def test_control_verb_lends_its_date(parse):
    events = parse("On Monday, Canada agreed to impose sanctions on Iran.")
    ev = [e for e in events if e.type == "SANCTION"]
    assert ev and ev[0].date == "2023-04-10"


def test_simple_present_is_the_day_of_the_report(parse):
    events = parse("Norway accuses Belarus of fraud.")
    assert [e.date for e in events if e.type == "ACCUSE"] == ["2023-04-12"]


def test_an_activity_under_way_is_the_month_of_the_report(parse):
    events = parse("Norway is sanctioning Belarus.")
    assert [e.date for e in events if e.type == "SANCTION"] == ["2023-04"]


def test_background_nominal_event_has_no_date(parse):
    events = parse("Israel's blockade of Gaza hurt its economy.")
    ev = [e for e in events if e.type == "COERCE"]
    assert ev and ev[0].date is None


@pytest.mark.parametrize("text,future,expected", [
    ("at the end of May", True, "2023-05"),
    ("at the end of May", False, "2022-05"),
    ("in March", True, "2024-03"),
    ("in March", False, "2023-03"),
    ("on Friday", True, "2023-04-14"),
    ("on Friday", False, "2023-04-07"),
    ("last Friday", True, "2023-04-07"),
    ("next month", False, "2023-05"),
    ("next year", False, "2024"),
    ("tomorrow", True, "2023-04-13"),
])
def test_resolve_for_events_to_come(text, future, expected):
    from kg.dates import resolve

    assert resolve(text, BASE, future) == expected


def test_of_names_who_acts_unless_it_names_the_target(parse):
    found = facts(parse("The plan foresees the deployment of French troops in Romania."), None)
    assert ("country/fra", "MOBILIZE", None) in found
    found = facts(parse("The invasion of Ukraine by Russia shocked Europe."), None)
    assert ("country/rus", "ASSAULT", "country/ukr") in found


def test_purpose_clause_is_an_aim_not_an_event(parse):
    events = parse("The talks set the stage for Iran to meet with Oman next month.")
    assert not facts(events)
    events = parse("Qatar sent envoys to meet with Egypt.")
    assert ("country/qat", "CONSULT", "country/egy") not in facts(events)


def test_participle_modifier_is_background_without_a_date(parse):
    events = parse("Rebels fought the Malian army, trained and equipped by France.")
    assert [e.date for e in events if e.type == "AID"] == [None]
    # a clause with its own subject keeps the report's year
    events = parse("The fact that Chile and Peru spent much time together mattered.")
    assert {e.date for e in events if e.type == "CONSULT"} == {"2023"}


def test_vague_spans_are_not_a_month(parse):
    from kg.dates import resolve

    assert resolve("in recent weeks", BASE) is None
    assert resolve("over the past few months", BASE) is None
    assert resolve("last week", BASE) == "2023-04"
    events = parse("In recent weeks, Sweden has deployed troops to Gotland.")
    assert {e.date for e in events if e.type == "MOBILIZE"} == {"2023"}


def test_conjoined_verb_borrows_a_date_only_from_its_own_actor(parse):
    events = parse("On Monday, Spain met Portugal and signed a treaty with Italy.")
    assert {e.date for e in events if e.type == "AGREE"} == {"2023-04-10"}
    events = parse("On Monday, Spain met Portugal and Italy signed a treaty with Greece.")
    assert "2023-04-10" not in {e.date for e in events if e.type == "AGREE"}


# Descriptions as actors and targets

def test_the_two_countries_act(parse):
    found = facts(parse("Sweden and Finland applied to join NATO in May. "
                        "The two countries accused Turkey of stalling."))
    assert ("country/swe", "ACCUSE", "country/tur") in found
    assert ("country/fin", "ACCUSE", "country/tur") in found


def test_an_ambiguous_description_acts_for_nobody(parse):
    found = facts(parse("Norway, Denmark and Iceland held talks in Oslo. "
                        "The two countries accused Turkey of stalling."))
    assert not any(ty == "ACCUSE" for (_, ty, _) in found)


def test_the_leaders_of_the_three_countries_agree_with_each_other(parse):
    found = facts(parse("Turkey lifted its objection to Sweden and Finland. "
                        "The leaders of the three countries signed a memorandum in Madrid."))
    assert ("country/tur", "AGREE", "country/swe") in found
    assert ("country/fin", "AGREE", "country/tur") in found


def test_the_alliance_as_actor(parse):
    found = facts(parse("NATO leaders met in Brussels. The alliance accused Russia of lying."))
    assert ("alliance/nato", "ACCUSE", "country/rus") in found


def test_party_lawmakers_call_for_sanctions_on_a_country(parse):
    found = facts(parse("Democratic and Republican lawmakers called for sanctions on "
                        "Russia. The White House agreed."))
    assert ("organization/democratic-party", "REQUEST", "country/rus") in found
    assert ("organization/republican-party", "REQUEST", "country/rus") in found


def test_members_of_an_alliance_are_not_the_alliance(parse):
    found = facts(parse("Russia sent aid to the members of NATO."), None)
    assert not any(t == "alliance/nato" for (_, _, t) in found)


def test_the_setting_of_an_event_is_no_target(parse):
    found = facts(parse("Spain and Italy signed a memorandum on the sidelines of the NATO "
                        "summit."))
    assert not any(t == "alliance/nato" for (_, _, t) in found)
    assert ("country/esp", "AGREE", "country/ita") in found


def test_a_subject_naming_nobody_does_not_borrow_the_previous_clause(parse):
    found = facts(parse("Chile praised Peru on Monday, and several senators criticized "
                        "Bolivia."))
    assert ("country/chl", "ACCUSE", "country/bol") not in found, found
    assert ("country/chl", "SUPPORT", "country/per") in found


def test_following_a_dated_event_dates_only_the_year(parse):
    events = parse("Crimea, a strategic peninsula in the Black Sea, was annexed by Russia "
                   "following a referendum in March 2014.", dt.date(2021, 11, 24))
    assert [e.date for e in events if e.type == "ASSAULT"] == ["2014"]
    # a date the preposition governs itself is a bound, not the event's year
    events = parse("Russia attacked Georgia after 2006.")
    assert "2006" not in {e.date for e in events if e.type == "ASSAULT"}


def test_what_a_speaker_says_it_is_doing_has_the_time_of_the_saying(parse):
    events = parse("While President Barack Obama announced the freezing of US assets belonging "
                   "to seven Russian officials, the US Treasury Department said it is "
                   "sanctioning four Ukrainians, including Yanukovych and the self-appointed "
                   "Crimean leader, Sergei Aksyonov.", dt.date(2014, 3, 17))
    assert {e.date for e in events if e.trigger == "sanctioning"} == {"2014-03-17"}
    events = parse("On Monday, Norway said it is sanctioning Belarus.")
    assert [e.date for e in events if e.type == "SANCTION"] == ["2023-04-10"]


def test_what_was_done_before_a_dated_statement_has_its_month(parse):
    events = parse("Separately, Kiev on Monday said it had recalled its ambassador to Moscow.",
                   dt.date(2014, 3, 17))
    assert [e.date for e in events if e.trigger == "recalled"] == ["2014-03"]
    # the month of the statement, not of the article
    events = parse("Lithuania said on Friday that it had expelled two Russian diplomats.",
                   dt.date(2023, 5, 3))
    assert [e.date for e in events if e.trigger == "expelled"] == ["2023-04"]


def test_a_future_no_one_announces_has_no_date(parse):
    base = dt.date(2021, 11, 24)
    events = parse("The two island class patrol boats will be deployed by Ukraine in the Black "
                   "Sea and the Azov Sea.", base)
    assert [(e.mode, e.date) for e in events if e.type == "MOBILIZE"] == [("future", None)]
    events = parse("The US has sent three warships to the Black Sea and the UK announced it "
                   "would deploy 600 troops in case war breaks out between Russia and Ukraine.",
                   base)
    assert {e.date for e in events if e.type == "MOBILIZE"} == {"2021"}



def test_subject_the_parser_hung_on_the_auxiliary(parse):
    found = facts(parse("Norway said it is sanctioning Belarus."))
    assert ("country/nor", "SANCTION", "country/blr") in found


# Killings and attacks

def test_killed_by_a_passive_agent(parse):
    found = facts(parse("Journalist Shireen Abu Akleh was shot dead by Israeli forces in "
                        "the West Bank."))
    assert ("country/isr", "ASSAULT", "person/shireen-abu-akleh") in found, found


def test_relative_pronoun_stands_for_its_noun(parse):
    found = facts(parse("Thousands mourned Shireen Abu Akleh, who was shot dead by Israeli "
                        "forces."))
    assert ("country/isr", "ASSAULT", "person/shireen-abu-akleh") in found, found
    found = facts(parse("The Israeli soldiers who killed Shireen Abu Akleh were not charged."),
                  None)
    assert ("country/isr", "ASSAULT", "person/shireen-abu-akleh") in found, found


def test_an_air_strike_by_an_actor_kills(parse):
    found = facts(parse("An air strike by Russia killed 14 civilians in Kharkiv on Monday."))
    assert ("country/rus", "ASSAULT", None) in found, found


def test_the_target_of_the_subject_event_noun_is_the_target(parse):
    found = facts(parse("Iran's attack on Israel killed one person."))
    assert ("country/irn", "ASSAULT", "country/isr") in found, found
    assert ("country/irn", "ASSAULT", None) not in found, found


def test_killed_in_an_air_strike_of_an_actor(parse):
    found = facts(parse("Three Syrian soldiers were killed in an Israeli air strike on "
                        "Sunday."))
    assert ("country/isr", "ASSAULT", "country/syr") in found, found
    assert ("country/isr", "ASSAULT", None) not in found, found


def test_participle_without_agent_is_what_the_noun_undergoes(parse):
    found = facts(parse("Syria buried the Syrian soldiers killed in an Israeli air strike."),
                  None)
    assert ("country/isr", "ASSAULT", "country/syr") in found, found
    assert not any(a == "country/syr" and ty == "ASSAULT" for (a, ty, _) in found), found


def test_died_in_an_attack(parse):
    found = facts(parse("Two Lebanese soldiers died in an Israeli air strike on Sunday."))
    assert ("country/isr", "ASSAULT", "country/lbn") in found, found


def test_condemned_killing_is_a_killing(parse):
    found = facts(parse("Turkey condemned the killing of journalist Jamal Khashoggi by Saudi "
                        "agents in Istanbul."))
    assert ("country/sau", "ASSAULT", "person/jamal-khashoggi") in found, found
    assert ("country/tur", "ACCUSE", "country/sau") in found, found


def test_possessor_of_an_assassination_is_the_actor(parse):
    found = facts(parse("Iran vowed revenge after Israel's assassination of Ismail Haniyeh "
                        "in Tehran."), None)
    assert ("country/isr", "ASSAULT", "person/ismail-haniyeh") in found, found


def test_coordinated_verbs_share_their_object(parse):
    found = facts(parse("Azerbaijan attacked and killed Armenian soldiers on Tuesday."))
    assert ("country/aze", "ASSAULT", "country/arm") in found, found
    assert ("country/aze", "ASSAULT", None) not in found, found


def test_claiming_lives_is_killing_not_accusing(parse):
    found = facts(parse("The Russian strike claimed the lives of 12 Ukrainian soldiers."))
    assert ("country/rus", "ASSAULT", "country/ukr") in found, found
    assert not any(ty == "ACCUSE" for (_, ty, _) in found), found


def test_light_verb_of_two_words(parse):
    found = facts(parse("Russia carried out an air strike on Ukraine on Friday."))
    assert ("country/rus", "ASSAULT", "country/ukr") in found, found


def test_clash_between_two_armies(parse):
    found = facts(parse("Indian and Chinese troops clashed in the Galwan Valley in June."))
    assert ("country/ind", "ASSAULT", "country/chn") in found, found
    assert ("country/chn", "ASSAULT", "country/ind") in found, found


def test_possessor_of_an_assassination_is_its_victim(parse):
    found = facts(parse("Qassem Soleimani's assassination by the United States angered Iraq."),
                  None)
    assert ("country/usa", "ASSAULT", "person/qassem-soleimani") in found, found
    assert not any(a == "person/qassem-soleimani" for (a, _, _) in found), found


def test_a_relayed_report_of_a_killing_is_asserted(parse):
    found = facts(parse("Russian missiles killed 14 people in Kharkiv, Ukrainian officials "
                        "said."))
    assert ("country/rus", "ASSAULT", None) in found, found
    # a party's own claim against its enemy stays a claim
    found = facts(parse("Russia said Ukraine had attacked Russian border posts."))
    assert not any(a == "country/ukr" and ty == "ASSAULT" for (a, ty, _) in found), found


def test_claiming_responsibility_for_an_attack(parse):
    found = facts(parse("On Sunday, Hamas claimed responsibility for the attack on Israel."))
    assert ("organization/hamas", "ASSAULT", "country/isr") in found, found
    assert not any(ty == "ACCUSE" for (_, ty, _) in found), found


def test_launching_missiles_at_a_country(parse):
    found = facts(parse("Iran launched hundreds of drones and missiles at Israel on Saturday."))
    assert ("country/irn", "ASSAULT", "country/isr") in found, found


def test_the_accused_does_what_it_is_accused_of(parse):
    events = parse("Russia accused Ukraine of killing 25 civilians in Donetsk.")
    assert ("country/rus", "ACCUSE", "country/ukr") in facts(events)
    found = facts(events, None)
    assert not any(a == "country/rus" and ty == "ASSAULT" for (a, ty, _) in found), found
    # the charge is reported, not asserted
    assert not any(ty == "ASSAULT" for (_, ty, _) in facts(events)), found


def test_claiming_an_attack_is_carrying_it_out(parse):
    found = facts(parse("ISIS claimed the attack, which killed 130 people in Paris."))
    assert ("organization/isis", "ASSAULT", None) in found, found
    assert not any(ty == "ACCUSE" for (_, ty, _) in found), found


def test_killed_when_others_opened_fire(parse):
    found = facts(parse("Five Indian soldiers were killed when Pakistani troops opened fire "
                        "across the border."))
    assert ("country/pak", "ASSAULT", "country/ind") in found, found
    assert ("country/pak", "ASSAULT", None) not in found, found


def test_one_act_told_by_two_verbs(parse):
    found = facts(parse("Azerbaijani forces shelled Armenian villages, killing two "
                        "civilians."))
    assert found == {("country/aze", "ASSAULT", "country/arm")}, found


def test_a_pronoun_possessor_of_the_subject_acts(parse):
    found = facts(parse("Israel's military said its aircraft struck Hezbollah targets in "
                        "southern Lebanon."))
    assert any(a and "isr" in a and ty == "ASSAULT" and t == "organization/hezbollah"
               for (a, ty, t) in found), found


def test_a_participle_with_its_own_object_is_active(parse):
    events = parse("Israeli air strikes killed at least 40 people in Gaza overnight, the "
                   "Gaza health ministry said.")
    assert [(e.actors, e.mode) for e in events if e.trigger == "killed"] == \
        [(("country/isr",), "asserted")]


def test_subject_the_parser_hung_on_the_object_names_its_country(parse):
    found = facts(parse("A Russian patrol boat fired warning shots and a Russian fighter jet "
                        "bombed a British warship."), None)
    assert any(a == "country/rus" and ty == "ASSAULT" for (a, ty, _) in found), found


def test_fighters_from_a_group_act_for_it(parse):
    found = facts(parse("Militants from the Pakistani Taliban attacked a police station, "
                        "killing five officers."))
    assert ("organization/taliban", "ASSAULT", None) in found, found


def test_two_sides_fighting_each_other(parse):
    found = facts(parse("Sudan's army and the Rapid Support Forces have been fighting since "
                        "April."))
    assert any(a and "sudan" in a and t == "organization/rapid-support-forces"
               for (a, ty, t) in found if ty == "ASSAULT"), found
    # fighting what is no party is no event
    assert not facts(parse("Ghana is fighting corruption."))


def test_responsible_for_a_killing(parse):
    found = facts(parse("The RSF was responsible for the killing of thousands of Masalit "
                        "civilians."))
    assert ("organization/rsf", "ASSAULT", None) in found, found


def test_firing_rockets_into_a_country(parse):
    found = facts(parse("Hezbollah fired rockets into northern Israel."))
    assert ("organization/hezbollah", "ASSAULT", "country/isr") in found, found


def test_a_capital_before_a_strike_is_where_not_who(parse):
    found = facts(parse("Israel kills Hezbollah commander in Beirut strike"))
    assert ("country/isr", "ASSAULT", "organization/hezbollah") in found, found
    assert not any(a == "country/lbn" for (a, _, _) in found), found


def test_coming_under_attack_from_a_group(parse):
    found = facts(parse("Israeli troops came under attack from Hamas fighters near the "
                        "border."))
    assert ("organization/hamas", "ASSAULT", "country/isr") in found, found


def test_a_first_person_subject_does_not_borrow_the_previous_clause(parse):
    found = facts(parse("Germany will suffer, but we will attack Russia."), None)
    assert not any(a == "country/deu" for (a, _, _) in found), found
    found = facts(parse("He said Putin will fail and I will continue to sanction the "
                        "Kremlin."), None)
    assert not any(a == "person/putin" for (a, _, _) in found), found


def test_what_is_denied_is_negated(parse):
    assert not any(ty == "ASSAULT" for (_, ty, _) in
                   facts(parse("Israel denied killing the aid workers.")))
    assert not any(ty == "ASSAULT" for (_, ty, _) in
                   facts(parse("Israel denied that it had attacked Lebanon.")))


def test_ordering_strikes_is_striking(parse):
    found = facts(parse("Egypt's president Abdel Fattah el-Sisi ordered air strikes on ISIS "
                        "targets in Libya."))
    assert ("person/abdel-fattah-el-sisi", "ASSAULT", "organization/isis") in found, found


def test_assets_are_frozen_on_whom_they_belong_to(parse):
    found = facts(parse("President Barack Obama announced the freezing of US assets belonging "
                        "to seven Russian officials, including Russia's Deputy Prime Minister "
                        "Dmitry Rogozin."), None)
    assert ("person/barack-obama", "SANCTION", "country/rus") in found, found
    assert ("person/barack-obama", "SANCTION", "person/dmitry-rogozin") in found, found
    assert ("person/barack-obama", "SANCTION", "country/usa") not in found, found


def test_suspected_and_alleged_attacks_are_not_asserted(parse):
    assert not facts(parse("A suspected Israeli strike killed two Iranian generals in "
                           "Damascus."))
    assert not facts(parse("Russian troops allegedly executed Ukrainian prisoners."))


def test_disasters_kill_without_an_actor(parse):
    assert not facts(parse("The Turkey earthquake killed more than 50,000 people."))
    assert not facts(parse("A Russian plane crash killed 20 people in Siberia."))
    # gunfire has its shooters
    found = facts(parse("Two Palestinians were killed by Israeli fire in Gaza."))
    assert ("country/isr", "ASSAULT", "country/pse") in found or \
        ("country/isr", "ASSAULT", None) in found, found
