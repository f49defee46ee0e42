select customer_id,customer_name from t_customer where customer_id=?
@@@@
select order_id,order_name from t_order where customer_id=?
