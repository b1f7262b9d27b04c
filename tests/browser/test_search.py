import pytest
from django.core.management import call_command

KIM_HEADLINE = "North Korea’s Kim leaves Russia, given drones as gift"


# load_demo moves stories through the workflow, which needs the migrated roles back.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reader_searches_from_the_header_and_opens_the_story(chromium, live_server, screenshot_dir):
    call_command("load_demo", "--no-samples", verbosity=0)
    # No JavaScript: the header's search box is a plain form.
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()

    page.goto("/")
    page.get_by_role("search", name="Site").get_by_label("Search stories").fill("kamikaze drones")
    page.keyboard.press("Enter")

    page.wait_for_url("**/search/?q=kamikaze+drones")
    assert page.get_by_role("heading", level=2).first.text_content() == "1 result for “kamikaze drones”"
    assert {"kamikaze", "drones"} <= set(page.locator(".search-result mark").all_inner_texts())
    page.screenshot(path=f"{screenshot_dir}/search.png", full_page=True)

    page.get_by_role("link", name=KIM_HEADLINE).click()
    assert page.get_by_role("heading", level=1).inner_text() == KIM_HEADLINE
    context.close()
