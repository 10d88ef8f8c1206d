from tests import factories


def test_smoke(world, client):
    poll = world.open_poll()
    factories.sign_in(client, "tartu@example.org")
    page = client.get(f"/polls/{poll.id}")
    assert page.status_code == 200, page.text[:2000]
    print(page.text[page.text.find("<main") :][:6000])
    page = client.get(f"/events/{world.event.id}")
    assert "The date poll" in page.text
