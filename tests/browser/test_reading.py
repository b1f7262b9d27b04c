import pytest
from django.core.management import call_command


# load_demo moves stories through the workflow, which needs the migrated roles back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_follows_lead_story_to_its_author(page):
    call_command("load_demo", "--no-samples", verbosity=0)

    page.goto("/")
    page.get_by_role("link", name="North Korea’s Kim leaves Russia, given drones as gift").first.click()

    assert page.get_by_role("heading", level=1).inner_text() == "North Korea’s Kim leaves Russia, given drones as gift"
    assert "Artyom-Primorsky-1" in page.locator(".story__body").inner_text()

    page.get_by_role("link", name="Mridha Shihab Mahmud").first.click()

    assert page.url.endswith("/authors/mridha-shihab-mahmud/")
    organisations = page.locator(".affiliations li").all_inner_texts()
    assert organisations == [
        "Staff reporter, News Hour",
        "Humanitarian worker, Safety Assistance For Emergencies",
        "Chief respondent person, Mymensingh Film & Photography Society",
    ]
